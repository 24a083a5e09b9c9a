"""Admin views for the public pages: the expression of interest answers and their export."""

from wagtail.contrib.forms.views import SubmissionsListView

from cms.core.spreadsheets import SafeSpreadsheetExportMixin


class InterestSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """The answers for the recruitment team; exports pass the spreadsheet guard (applicants
    type their answers on a public form, and they are stored as typed)."""

    def to_row_dict(self, item):
        return SubmissionsListView.to_row_dict(self, item)
