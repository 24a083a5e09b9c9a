"""Training content models. Each file holds one family of models; all are re-exported here."""

from modules.models.pages import LessonPage, ModuleIndexPage, ModulePage

__all__ = ["LessonPage", "ModuleIndexPage", "ModulePage"]
