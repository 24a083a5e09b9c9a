"""The record of messages already sent, so none goes twice."""

from django.db import models


class SentMessage(models.Model):
    """A periodic message, recorded under a unique key before it is sent, so reruns never repeat it."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
