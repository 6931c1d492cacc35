"""Starting Spark for newsweave's jobs: the one place that imports pyspark.

pyspark is an optional dependency (``pip install 'newsweave[spark]'``) and
needs Java 17; both are checked here, up front, with a message that says how
to get them, instead of a Py4J traceback from deep inside a job.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from newsweave.errors import ConfigError

if TYPE_CHECKING:
    from pyspark import SparkContext

# A local master is for one machine: its driver and UI stay on the loopback
# interface (nothing listens on the network), and the UI is off unless asked for.
_LOCAL_DEFAULTS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
}
_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
_DEFAULTS = {
    # Spark's own warnings and stage bars would bury the lines that name skipped inputs.
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}",
    "spark.executor.extraJavaOptions": f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}",
    "spark.ui.showConsoleProgress": "false",
    # Python workers stay up between tasks, so spaCy loads once per worker, not once per task.
    "spark.python.worker.reuse": "true",
}


def java_version() -> int | None:
    """The major version of the Java that Spark would start (``JAVA_HOME``'s, else the one on PATH), or None."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        said = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', said)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def java_available() -> bool:
    """Whether Spark would find Java 17 or later (what pyspark 4 needs)."""
    return (java_version() or 0) >= 17


def spark_context(master: str = "local[*]", conf: Mapping[str, str] | None = None, app_name: str = "newsweave") -> "SparkContext":
    """A SparkContext for newsweave's jobs (the running one, if any).

    ``conf`` overrides any default (``spark.ui.enabled``, ``spark.log.level``, ...).
    Executors run this interpreter (``PYSPARK_PYTHON`` unless set), which
    has newsweave and its spaCy model installed; on a cluster, every node
    needs the same environment. Raises ConfigError when pyspark or Java is missing.
    """
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError as exc:
        raise ConfigError("Spark jobs need pyspark: pip install 'newsweave[spark]' (and Java 17)", "pyspark") from exc
    version = java_version()
    if version is None or version < 17:
        found = "none found" if version is None else f"found Java {version}"
        raise ConfigError(
            f"Spark needs Java 17 or later ({found}; JAVA_HOME, else PATH): "
            "install it (apt install openjdk-17-jre-headless) or set JAVA_HOME",
            "java",
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    settings = dict(_DEFAULTS)
    if master.startswith("local"):
        settings.update(_LOCAL_DEFAULTS)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    settings.update(conf or {})
    spark_conf = SparkConf().setMaster(master).setAppName(app_name).setAll(list(settings.items()))
    return SparkContext.getOrCreate(spark_conf)


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` (the CLI's ``--conf``) as a dict; raises ConfigError on a pair without '='."""
    conf: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--conf takes KEY=VALUE, got {pair!r}", pair)
        conf[key.strip()] = value
    return conf
