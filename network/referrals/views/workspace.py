"""The staff workspace for referrals: inbox, sent, the referral form, the referral page and its access log.

`network/referrals/urls.py` names the views through this module; they live in smaller modules by screen.
"""

from .compose import new
from .lists import inbox, sent
from .referral import access_log, detail, message_post, transition

__all__ = ["access_log", "detail", "inbox", "message_post", "new", "sent", "transition"]
