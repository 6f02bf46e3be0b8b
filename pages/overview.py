"""Overview (senior leadership): are crimes against peacekeepers being brought to justice?"""

from ui.auth import require_page

scope = require_page("overview")

from ui.shell import begin_page  # noqa: E402 - the guard runs before anything else

page = begin_page("overview", scope)
