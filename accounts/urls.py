from __future__ import annotations

from django.urls import path

from accounts import views
from syndata_site.throttling import throttled_login

# Under the login's throttles: invitation tokens and passwords are not guessed at speed.
urlpatterns = [
    path("signup/", throttled_login(views.signup_open), name="signup"),
    path("signup/<str:token>/", throttled_login(views.signup_invited), name="signup-invited"),
]
