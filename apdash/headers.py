"""Response headers every page carries (issue 13 §14)."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """Pages, exports and API answers hold pupil data: no browser or proxy keeps a copy
    (`Cache-Control: no-store`). Static files are answered by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response
