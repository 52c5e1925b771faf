from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class TripReportForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("报告标题"), max_length=200)
    file = forms.FileField(
        label=_("报告文件"),
        help_text=_("PDF或Word（.docx）格式，不超过10 MB。"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx"}),
    )
