def csp_nonce(request):
    """``csp_nonce`` for inline scripts (django-leaflet's maps use it): the policy admits the script
    only when a template used the nonce."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
