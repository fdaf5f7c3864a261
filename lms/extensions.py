"""The Flask extensions every area may use, made once and bound to the app by create_app, as
`lms.db.db` is: CSRF protection (a view that is not a form post declares its exemption beside
itself with `@csrf.exempt`) and the sign-in manager."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = "strong"
