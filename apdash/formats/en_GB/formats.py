# Dates as people type them (issue 17): "27 3 2011", "27/03/2011", "27-3-2011", "27 March 2011".
# Django's en_GB locale would otherwise take precedence over settings.DATE_INPUT_FORMATS.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d %m %Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d/%m/%y",
]
