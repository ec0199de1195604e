"""Extraction: from a :class:`~govreport.document.Document` to the report's tables."""
