"""The same work on Apache Spark: a thin layer over the library (needs ``newsweave[spark]`` and Java 17).

``session`` starts Spark (the one place that imports pyspark); ``jobs``
runs the library's per-article and per-story functions on the executors.
The commands are ``newsweave spark ingest`` and ``newsweave spark briefs``.
"""

from newsweave.spark.jobs import RenderedBrief, batch_briefs_read_by_spark, briefs_on_spark, prepared_inputs_on_spark, prepared_on_spark, store_clusters
from newsweave.spark.session import java_available, java_version, parse_conf, spark_context

__all__ = [
    "RenderedBrief",
    "batch_briefs_read_by_spark",
    "briefs_on_spark",
    "java_available",
    "java_version",
    "parse_conf",
    "prepared_inputs_on_spark",
    "prepared_on_spark",
    "spark_context",
    "store_clusters",
]
