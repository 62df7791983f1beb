"""The knowledge base: cause entries (causes.toml) and their signatures (signatures.toml).

Both files are data, loaded and validated once per process by :func:`load`. The matching
vocabulary (what a signature field means) lives in :mod:`sfdoctor.diagnosis.classify`, so the data
never carries logic. May import records only.
"""

from sfdoctor.diagnosis.knowledge.loader import KnowledgeBase, KnowledgeBaseError, load

__all__ = ["KnowledgeBase", "KnowledgeBaseError", "load"]
