"""What if: compare two runs, sweep a setting over many seeds (pure: no Rich, no Typer).

Everything here reads finished runs through `facts.RunFacts`, one small record of what a
run did; the views in `render/whatif_*.py` and `cli_whatif.py` show it.
"""
