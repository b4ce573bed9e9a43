"""Session login for the dashboard and the API token for the SDK.

``/api/auth/login`` and ``/api/auth/logout`` open and close a Django session (the dashboard's
credentials; writes then need the ``X-CSRFToken`` header, as SessionAuthentication enforces).
``/api/auth/token`` shows, creates (or replaces) and revokes the caller's DRF token; its key
is shown in full only in the answer that creates it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation.api.serializers import ErrorSerializer
from syndata_site.errors import ApiError


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    is_staff = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    user = UserSerializer(allow_null=True)
    self_signup = serializers.BooleanField(
        help_text="Whether anyone may create an account at /signup/ (SYNDATA_SELF_SIGNUP); "
        "otherwise accounts come from operators' invitation links."
    )


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenInfoSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)
    prefix = serializers.CharField(allow_null=True, help_text="The key's first characters.")


class TokenCreatedSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The whole key; shown only in this answer.")
    created = serializers.DateTimeField()
    prefix = serializers.CharField()


def _user(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email or "",
        "is_staff": bool(user.is_staff),
    }


def _me(request: Request) -> dict[str, Any]:
    user = request.user
    signup = bool(settings.SYNDATA_SELF_SIGNUP)
    if user and user.is_authenticated:
        return {"authenticated": True, "user": _user(user), "self_signup": signup}
    return {"authenticated": False, "user": None, "self_signup": signup}


class LoginView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={200: MeSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        summary="Open a dashboard session (sets the session cookie; needs the CSRF header).",
    )
    def post(self, request: Request) -> Response:
        # An anonymous request skips SessionAuthentication's CSRF check; login must not.
        SessionAuthentication().enforce_csrf(request)
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            raise ApiError(
                "wrong username or password",
                code="invalid_credentials",
                details=[{"path": "password", "message": "wrong username or password"}],
            )
        login(request._request, user)
        get_token(request._request)  # a fresh CSRF cookie for the new session
        return Response(
            {
                "authenticated": True,
                "user": _user(user),
                "self_signup": settings.SYNDATA_SELF_SIGNUP,
            }
        )


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_me",
        responses={200: MeSerializer},
        summary="Who is calling (200 with authenticated=false for anonymous callers).",
    )
    def get(self, request: Request) -> Response:
        get_token(request._request)
        return Response(_me(request))


def _token_info(token: Token | None) -> dict[str, Any]:
    if token is None:
        return {"exists": False, "created": None, "prefix": None}
    return {"exists": True, "created": token.created, "prefix": token.key[:6]}


class TokenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_token_retrieve",
        responses={200: TokenInfoSerializer, 401: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(_token_info(Token.objects.filter(user=request.user).first()))

    @extend_schema(
        operation_id="auth_token_create",
        request=None,
        responses={201: TokenCreatedSerializer, 401: ErrorSerializer},
        summary="Create the caller's API token, replacing any earlier one.",
    )
    def post(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        return Response(
            {"key": token.key, "created": token.created, "prefix": token.key[:6]},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="auth_token_destroy",
        responses={204: None, 401: ErrorSerializer},
        summary="Revoke the caller's API token.",
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/login", LoginView.as_view(), name="auth-login"),
    path("auth/logout", LogoutView.as_view(), name="auth-logout"),
    path("auth/me", MeView.as_view(), name="auth-me"),
    path("auth/token", TokenView.as_view(), name="auth-token"),
]
