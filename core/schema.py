"""The API's OpenAPI schema: drf-spectacular's AutoSchema, plus what every operation can
answer besides its success, derived once from the view's authentication, permission,
throttle and pagination classes and the method — so that no view lists its errors by hand.

- 400 on every operation: a bad parameter or body ({field: [messages]}), or a request the
  rules refuse now, a malformed body, a NUL byte, an overlong value or an impossible date
  ({"detail": message}).
- 401 on every operation: a wrong token is refused even where no login is needed; where
  one is needed, so is a missing login. DRF adds ``WWW-Authenticate`` with the first
  authenticator's scheme (``Token``, or a partner's key).
- 403 where a signed-in caller can still be refused: a write (the role, and a session's
  CSRF token) or a permission class that checks more than the login.
- 404 where the path names something (or a list has pages): unknown or not visible.
- 406 on every operation (content negotiation), 415 on every body, 429 with
  ``Retry-After`` on throttled views.

An operation may declare one of these codes itself (``@extend_schema(responses=…)``) to
say more precisely why; it keeps its description and gets the shared error shape.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

JSON = "application/json"
# Permission classes that only look at the login: beyond them, a view refuses by role.
LOGIN_ONLY = (
    permissions.AllowAny,
    permissions.IsAuthenticated,
    permissions.IsAuthenticatedOrReadOnly,
)

DETAIL_SCHEMA = {
    "type": "object",
    "description": "One message about the whole request.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "description": "The messages about one field: a list of messages, or for a nested object "
    "or list the same shape per key or index.",
    "anyOf": [
        {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/FieldErrors"}]},
        },
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"}},
    ],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": 'Either {"detail": "message"} (a request refused as a whole) or the '
    'messages per field, {"field": ["message", …]}, with "non_field_errors" for the body '
    "as a whole.",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"},
    "minProperties": 1,
}
COMPONENTS = {
    "Error": DETAIL_SCHEMA,
    "FieldErrors": FIELD_ERRORS_SCHEMA,
    "ValidationError": VALIDATION_ERROR_SCHEMA,
}


def www_authenticate(challenge):
    return {
        "WWW-Authenticate": {
            "schema": {"type": "string", "enum": [challenge]},
            "required": True,
            "description": "The scheme to authenticate with.",
        }
    }


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "required": True,
        "description": "Seconds to wait before the next request.",
    }
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            self._add_error_responses(operation)
        return operation

    # --- who may call -----------------------------------------------------------------------

    def is_public(self):
        """No login needed: AllowAny, read-only public (IsAuthenticatedOrReadOnly on a safe
        method), or no permission class at all (DRF's token endpoint)."""
        perms = [type(permission) for permission in self.view.get_permissions()]
        if not perms or permissions.AllowAny in perms:
            return True
        return permissions.IsAuthenticatedOrReadOnly in perms and self._is_safe()

    def get_auth(self):
        auths = super().get_auth()
        if self.is_public() and {} not in auths:
            auths.append({})
        return auths

    def _is_safe(self):
        return self.method in permissions.SAFE_METHODS

    def _refuses_signed_in(self):
        """Can a signed-in caller get 403? On a write, yes: the role (checked by the
        services) or a session without its CSRF token; on a read, when a permission class
        checks more than the login."""
        if not self._is_safe():
            return not self.is_public() or self._checks_csrf()
        return any(not isinstance(p, LOGIN_ONLY) for p in self.view.get_permissions())

    def _challenge(self):
        """What a 401 asks for: the first authenticator's scheme (DRF's token, or a
        partner's key), as DRF sends it."""
        authenticators = self.view.get_authenticators()
        challenge = authenticators[0].authenticate_header(None) if authenticators else None
        return challenge or "Token"

    def _checks_csrf(self):
        return any(isinstance(a, SessionAuthentication) for a in self.view.get_authenticators())

    # --- the error answers --------------------------------------------------------------------

    def _add_error_responses(self, operation):
        refs = {name: self._component(name, schema) for name, schema in COMPONENTS.items()}
        responses = operation["responses"]
        for code, (description, component, headers) in self._errors(operation).items():
            declared = responses.setdefault(code, {"description": description})
            declared["description"] = declared.get("description") or description
            declared.setdefault("content", {JSON: {"schema": refs[component]}})
            if headers:
                declared.setdefault("headers", headers)
        operation["responses"] = dict(sorted(responses.items()))

    def _errors(self, operation):
        """{status: (description, component, headers)} for this operation."""
        errors = {
            "400": (
                _("Invalid input or an action not allowed now."),
                "ValidationError",
                None,
            ),
            "401": (
                self._unauthenticated_description(),
                "Error",
                www_authenticate(self._challenge()),
            ),
        }
        if self._refuses_signed_in():
            errors["403"] = (self._forbidden_description(), "Error", None)
        if self._names_something():
            errors["404"] = (_("Not found, or not visible to you."), "Error", None)
        errors["406"] = (_("No answer in a media type the Accept header allows."), "Error", None)
        if "requestBody" in operation:
            errors["415"] = (_("The body's media type is not accepted here."), "Error", None)
        if self.view.get_throttles():
            errors["429"] = (_("Too many requests; try again later."), "Error", RETRY_AFTER)
        return errors

    def _unauthenticated_description(self):
        if self.is_public():
            return _("A wrong token (no login is needed here).")
        return _("Not logged in, or a wrong token.")

    def _forbidden_description(self):
        if self.is_public():
            return _("Signed in with a session, but without its CSRF token.")
        return _("Your role does not allow this.")

    def _names_something(self):
        """A path parameter names something that may not exist (or not for this caller);
        a paginated list has pages that may not."""
        return "{" in self.path or (self._is_list_view() and self._get_paginator() is not None)

    def _component(self, name, schema):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"core.schema.{name}", schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    # --- parameters as the code reads them ----------------------------------------------------

    def _get_pagination_parameters(self):
        """DRF documents ``page`` and ``page_size`` as bare integers; say their range."""
        parameters = super()._get_pagination_parameters()
        paginator = self._get_paginator()
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") != "integer":
                continue
            schema["minimum"] = 1
            limit = getattr(paginator, "max_page_size", None)
            if parameter["name"] == getattr(paginator, "page_size_query_param", None) and limit:
                # DRF cuts a larger size down rather than refusing it.
                schema["maximum"] = limit
                parameter["description"] = _(
                    "Results per page (default %(default)s; a larger value gives %(limit)s)."
                ) % {"default": paginator.page_size, "limit": limit}
        return parameters

    def _get_filter_parameters(self):
        """django-filter's parameters with the limits of each filter's form field (lengths,
        bounds, integers), which drf-spectacular leaves out."""
        parameters = super()._get_filter_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None:
            return parameters
        for parameter in parameters:
            declared = filterset.base_filters.get(parameter["name"])
            if declared is not None:
                schema = parameter["schema"]
                add_form_field_limits(schema.get("items", schema), declared.field)
        return parameters


def add_form_field_limits(schema, field):
    """Copy a Django form field's limits onto the parameter schema that reads it."""
    if isinstance(field, forms.IntegerField):
        schema["type"] = "integer"
    for attribute, keyword in (
        ("max_length", "maxLength"),
        ("min_length", "minLength"),
        ("max_value", "maximum"),
        ("min_value", "minimum"),
    ):
        value = getattr(field, attribute, None)
        if value is not None:
            schema[keyword] = value
