"""Hydra launcher plugin: a sweep's jobs on a Dask cluster (``hydra/launcher=dask``)."""
