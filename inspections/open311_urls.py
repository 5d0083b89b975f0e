"""Open311 GeoReport v2 at /open311/v2/ (see inspections/open311.py)."""

urlpatterns = []
