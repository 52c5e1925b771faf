from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


class BootstrapMixin:
    """Give every widget Bootstrap's classes, and `is-invalid` where the field has errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self):
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class ServiceModelForm(BootstrapMixin, forms.ModelForm):
    """A model form that only parses: ModelForm's `model.full_clean()` is skipped because the
    service validates the complete object (its errors come back via `service_errors_to_form`).
    `service_fields()` are the cleaned values of `service_field_names` (default
    `Meta.fields`), as keyword arguments for the service."""

    service_field_names: tuple[str, ...] | None = None

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        names = self.service_field_names or self.Meta.fields
        return {name: self.cleaned_data[name] for name in names}


def service_errors_to_form(form, exc, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to the form's fields: each error under the field
    of its name (or of `rename[name]`), anything else above the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        target = (rename or {}).get(field, field)
        form.add_error(target if target in form.fields else None, messages)


def form_saved(request, form, save: Callable[..., object], rename: dict[str, str] | None = None):
    """The common step of a create/edit page: on a POST with a valid form, call
    `save(**form.service_fields())` (a form without `service_fields` gives its
    `cleaned_data`) and return what it returns. Return None when nothing was saved: not a POST,
    the form invalid, or the service refused; its ValidationError then shows beside the fields
    (see `service_errors_to_form`). `save` must return something other than None on success,
    e.g. the object it created or changed."""
    if request.method != "POST" or not form.is_valid():
        return None
    fields = form.service_fields() if hasattr(form, "service_fields") else form.cleaned_data
    try:
        return save(**fields)
    except ValidationError as exc:
        service_errors_to_form(form, exc, rename)
        return None


def flash_service_errors(request, exc) -> None:
    """Show each message of a service's ValidationError as an error on the next page (for
    actions posted from a button rather than a form)."""
    from django.contrib import messages

    for message in exc.messages:
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    """Show each error of an invalid form as an error on the next page (for small forms
    posted from a page that redirects back rather than re-rendering the form)."""
    from django.contrib import messages

    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def parse_id(value) -> int | None:
    """The id in a query or form value ("12"), or None for anything else — other scripts'
    digits ("²", "١٢") included, which `str.isdigit` accepts and `int` may refuse."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
