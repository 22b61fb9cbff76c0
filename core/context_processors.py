from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.ONESTOP_SITE_NAME}
