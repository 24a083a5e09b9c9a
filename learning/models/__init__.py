"""Records of learning. Each file holds one family of models; all are re-exported here."""

from learning.models.progress import ModuleCompletion

__all__ = ["ModuleCompletion"]
