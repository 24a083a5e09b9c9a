"""The visitor's private reflection after a visit."""

from django.db import models

from practiceweek.models.bookings import Booking


class Reflection(models.Model):
    """What a shadower took from a visit. Private; L&D see only anonymised themes, if agreed."""

    class Theme(models.TextChoices):
        WHOLE_FAMILY = "whole_family", "Working with the whole family"
        MOTIVATIONAL_INTERVIEWING = "mi", "Motivational interviewing in practice"
        MULTI_AGENCY = "multi_agency", "Working across agencies"
        GROUP_SUPERVISION = "group_supervision", "Group case supervision"
        CHILDS_VOICE = "childs_voice", "The child's voice and experience"
        RISK = "risk", "Risk, safety and good authority"
        WORKLOAD = "workload", "Workload and pressure on practitioners"
        SYSTEMS = "systems", "Recording, systems and processes"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="reflection")
    text = models.TextField()
    themes = models.JSONField(default=list, blank=True)
    share_themes = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reflection on {self.booking_id}"
