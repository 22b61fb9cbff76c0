from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import validate_citizen_id, validate_phone


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province / city")
    DISTRICT = "district", _("Town / district")
    DEPARTMENT = "department", _("Department / office")
    CENTRE = "centre", _("One-stop centre")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit):
        """The unit and everything below it, at any depth."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """An administrative unit or agency. Units form a tree of any depth, so the portal
    does not hard-code the two- or three-tier structure of local government."""

    code = models.CharField(_("agency code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised ancestry ("/1/4/9/") so subtree filters are one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path != old_path:
            self.path = new_path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                self._move_descendants(old_path, new_path)

    def _move_descendants(self, old_path, new_path):
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            child.path = new_path + child.path[len(old_path) :]
            Unit.objects.filter(pk=child.pk).update(path=child.path)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
            ancestor = ancestor.parent

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Unit.objects.filter(pk__in=ids[:-1]).order_by("path")

    @property
    def display_name(self):
        return self.short_name or self.name


class User(AbstractUser):
    """A portal user. Staff belong to one unit; their role is a group (see core.roles)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    # A citizen's own data, given at sign-up and prefilled into their online filings.
    id_number = models.CharField(
        _("ID number (CCCD)"), max_length=12, blank=True, validators=[validate_citizen_id]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        """The name as Vietnamese write it, family name first: "Lê Văn" + "Cường" gives
        "Lê Văn Cường" (Django's default puts the given name first)."""
        return f"{self.last_name} {self.first_name}".strip()

    def role_names(self):
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, *roles):
        return bool(self.role_names() & {str(role) for role in roles})


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday / day off")
    WORKDAY = "workday", _("Make-up working day")


class OverrideSource(models.TextChoices):
    PACKAGE = "package", _("Official calendar")
    MANUAL = "manual", _("Entered by staff")


class CalendarOverride(models.Model):
    """A day that breaks the Monday–Friday rule: a holiday on a weekday or a working
    Saturday. Seeded from the official calendar and editable, because each year's Tết and
    swapped days are announced by the government."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OverrideKind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=10, choices=OverrideSource.choices, default=OverrideSource.MANUAL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OverrideKind.values), name="calendar_override_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.name}"
