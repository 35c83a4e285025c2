"""Interop: how an EHR's data comes in and goes out (docs/integration.md).

A face for machines: CSV import (this package), FHIR (``interop.fhir``) and
the REST API (``welcomeback.api``). It calls the care functions and keeps only
its own bookkeeping: which EHR id stands for which of our rows (ExternalId)
and each import's progress and problems (ImportRun, ImportProblem).
"""
