from __future__ import annotations

from kafkaretry.cli import main

main()
