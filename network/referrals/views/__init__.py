"""The staff workspace for referrals: inbox, sent, the referral form, the referral page."""
