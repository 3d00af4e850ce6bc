"""Finding or assembling an Apache Kafka 4.1.x installation, and the Java that runs it.

An installation is a directory with `libs/*.jar` (the layout of the Apache download, and of
what `kafkaretry lab setup` assembles from Maven Central with the packaged POM). Its version is
read from the broker jar's name, `libs/kafka_2.13-<version>.jar`. Search order: `--kafka-home`,
then `$KAFKA_HOME`, then the newest `kafka-4.1.*` in kafkaretry's cache directory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kafkaretry.errors import KafkaRetryError
from kafkaretry.loading import cache_dir

SUPPORTED = (4, 1)  # the Kafka line kafkaretry's model follows
MIN_JAVA = 17  # Kafka 4.0 brokers need Java 17 (KIP-750)
POM = Path(__file__).resolve().parent / "kafka-lab-pom.xml"
JAVA_DIR = Path(__file__).resolve().parent / "java"
_BROKER_JAR = re.compile(r"kafka_2\.1[23]-(\d+\.\d+\.\d+)\.jar")


class LabError(KafkaRetryError):
    """The lab cannot run: no Java, no Maven, no Kafka, or a cluster that did not come up."""


@dataclass(frozen=True, slots=True)
class KafkaInstall:
    home: Path
    version: str
    source: str  # "--kafka-home", "$KAFKA_HOME" or "cache"

    @property
    def classpath(self) -> str:
        """The `-cp` argument: every jar of libs/ (a JVM class-path wildcard)."""
        return str(self.home / "libs" / "*")


def installed_version(home: Path) -> str | None:
    """The Kafka version of an installation directory, or None when it holds no broker jar."""
    libs = home / "libs"
    if not libs.is_dir():
        return None
    versions = sorted(m.group(1) for p in libs.iterdir() if (m := _BROKER_JAR.fullmatch(p.name)))
    return versions[-1] if versions else None


def _supported(version: str) -> bool:
    return tuple(int(x) for x in version.split(".")[:2]) == SUPPORTED


def _checked(home: Path, source: str) -> KafkaInstall:
    version = installed_version(home)
    if version is None:
        raise LabError(f"{source} {home} has no libs/kafka_2.13-*.jar: not an Apache Kafka install")
    if not _supported(version):
        raise LabError(f"{source} {home} is Kafka {version}; kafkaretry's lab needs Kafka 4.1.x")
    return KafkaInstall(home, version, source)


def _cached() -> KafkaInstall | None:
    root = cache_dir()
    if not root.is_dir():
        return None
    found = [
        KafkaInstall(p, v, "cache")
        for p in root.glob("kafka-4.1.*")
        if p.is_dir() and (v := installed_version(p)) is not None and _supported(v)
    ]
    return max(found, key=lambda i: tuple(int(x) for x in i.version.split("."))) if found else None


def find_install(kafka_home: Path | None) -> KafkaInstall | None:
    """The installation to use, or None when there is none yet (LabError if one is unusable)."""
    if kafka_home is not None:
        return _checked(kafka_home, "--kafka-home")
    env = os.environ.get("KAFKA_HOME")
    if env:
        return _checked(Path(env), "$KAFKA_HOME")
    return _cached()


def require_install(kafka_home: Path | None) -> KafkaInstall:
    """Like find_install, but no installation is an error that says how to get one."""
    found = find_install(kafka_home)
    if found is None:
        raise LabError(
            "no Kafka 4.1 installation found; run `kafkaretry lab setup` "
            "(or pass --kafka-home / set KAFKA_HOME to an unpacked Apache Kafka 4.1)"
        )
    return found


def java_version(java: str = "java") -> int:
    """The major version of `java` on PATH; LabError when it is missing or older than 17."""
    exe = shutil.which(java)
    if exe is None:
        raise LabError(f"java not found on PATH; install a JDK {MIN_JAVA} or newer")
    out = subprocess.run([exe, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match is None:
        raise LabError(f"cannot read the version of {exe}: {out.stderr.strip()[:80]}")
    major = int(match.group(1))
    major = int(match.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8
    if major < MIN_JAVA:
        raise LabError(f"{exe} is Java {major}; Kafka 4.1 needs Java {MIN_JAVA} or newer")
    return major


def assemble(log: Path | None = None) -> KafkaInstall:
    """Resolve the newest 4.1.x from Maven Central into <cache>/kafka-<version>/libs.

    Runs `mvn dependency:copy-dependencies` on the packaged POM into a staging directory,
    then renames it into place, so an interrupted download never looks like an installation.
    """
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LabError("mvn not found on PATH; install Apache Maven (or pass --kafka-home)")
    root = cache_dir()
    staging = root / f"kafka-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "libs").mkdir(parents=True)
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging / 'libs'}",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if log is not None:
            log.write_text(done.stdout + done.stderr, encoding="utf-8")
        version = installed_version(staging)
        if done.returncode != 0 or version is None:
            last = [ln for ln in (done.stdout + done.stderr).splitlines() if "ERROR" in ln]
            detail = last[0].strip() if last else f"mvn exited {done.returncode}"
            raise LabError(
                f"Maven could not fetch Kafka 4.1 from Maven Central (is the network up?): "
                f"{detail[:160]}"
            )
        target = root / f"kafka-{version}"
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        return KafkaInstall(target, version, "cache")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
