"""The pieces the dossier forms are built from: the upload fields, KeepsUploads (files that
outlive a failed submission, so nobody chooses them twice) and ServiceFormMixin (a
service's objection shown on the field it names)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from ..held_uploads import fresh_held_uploads, hold_uploads, release_held_uploads
from ..uploads import check_upload

# What a browser may offer in its file picker; the content check decides what is accepted.
UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx," + ",".join(settings.ONESTOP_UPLOAD_TYPES)
# A form shown again after a failure names each file it kept in a hidden "kept-<field>".
KEPT_PREFIX = "kept-"
# A kept file's "remove" box posts its key under this name.
DROP_KEPT = "drop-kept"


class UploadField(forms.FileField):
    """One file, checked by its content and size (dossiers.uploads) with the same message
    the services would give."""

    widget = forms.FileInput(attrs={"accept": UPLOAD_ACCEPT})

    def __init__(self, **kwargs):
        # An empty file gets check_upload's message, which names the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            check_upload(value)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Any number of files, each checked by content and size (dossiers.uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and initial:
            return list(initial)  # kept from an earlier attempt (KeepsUploads)
        files = [super(UploadsField, self).clean(item) for item in items]
        files = [file for file in files if file]
        errors = []
        for file in files:
            try:
                check_upload(file)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class ServiceFormMixin:
    """Shows a service's TransitionError on the field it names, or above the form."""

    field_aliases = {"file": "files"}

    def add_transition_error(self, error):
        field = self.field_aliases.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)


class KeepsUploads:
    """A form whose uploads outlive its failure. When it fails for any reason, each newly
    chosen file that passed its checks is held for ``self.owner``
    (``hold_uploads``), and the form shown again carries a hidden
    ``kept-<field>`` with each held file's random key; posted back with no new file for
    that field, the held files are its value again. Choosing files anew replaces them; a
    kept file's "remove" box leaves it out.
    The form calls ``restore_kept_uploads(owner)`` once its fields are built; the view
    calls ``keep_uploads()`` after a failure and
    ``release_kept_uploads()`` after a success."""

    def upload_names(self):
        return [name for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def restore_kept_uploads(self, owner):
        self.owner = owner
        posted = {name: _values(self.data, KEPT_PREFIX + name) for name in self.upload_names()}
        found = fresh_held_uploads(self.owner, [key for keys in posted.values() for key in keys])
        dropped = set(_values(self.data, DROP_KEPT))  # left for the hourly sweep to delete
        self.kept = {}
        for name, keys in posted.items():
            held = [found[key] for key in keys if key in found and key not in dropped]
            if held:
                self.kept[name] = held
                reopened = [item.reopen() for item in held]
                multiple = isinstance(self.fields[name], UploadsField)
                self.initial[name] = reopened if multiple else reopened[0]

    def keep_uploads(self):
        for name in self.upload_names():
            if name in self.errors:
                self.kept.pop(name, None)  # its field asks for a file again
                continue
            chosen = [file for file in _values(self.files, name) if file]
            if chosen:
                self.kept[name] = hold_uploads(self.owner, chosen)

    def release_kept_uploads(self):
        release_held_uploads([item for held in self.kept.values() for item in held])


def _values(posted, name):
    """Every value posted under ``name`` (a plain dict holds one)."""
    values = posted.getlist(name) if hasattr(posted, "getlist") else [posted.get(name)]
    return [value for value in values if value]
