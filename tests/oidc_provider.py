"""A tiny local OpenID Connect provider for tests (single sign-on, digled/accounts/sso.py).

Discovery document, authorize (approves at once, as the identity in `provider.identity`),
token (authorization code with PKCE S256, client secret by basic auth or form) and JWKS.
ID tokens are RS256, signed with a key made per provider. Runs with uvicorn in a thread on
127.0.0.1 at a free port:

    with OIDCProvider(client_id="digled", client_secret="s3cret") as provider:
        provider.identity = {"sub": "1", "email": "lea@kommune.dk", "email_verified": True}
        ... provider.metadata_url ...
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OIDCProvider:
    def __init__(self, client_id: str = "digled", client_secret: str = "provider-secret"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.identity: dict = {"sub": "1", "email": "", "email_verified": False, "name": "Test"}
        self.codes: dict[str, dict] = {}
        self.log: list[str] = []  # the endpoints called, in order
        self.pkce_methods: list = []  # code_challenge_method of each authorize request
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    # --- endpoints ---------------------------------------------------------------------------

    async def discovery(self, request: Request) -> JSONResponse:
        self.log.append("discovery")
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        })

    async def jwks(self, request: Request) -> JSONResponse:
        self.log.append("jwks")
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request):
        self.log.append("authorize")
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(24)
        self.pkce_methods.append(q.get("code_challenge_method"))
        self.codes[code] = {
            "redirect_uri": q.get("redirect_uri"), "nonce": q.get("nonce"),
            "challenge": q.get("code_challenge"), "identity": dict(self.identity), "at": time.time(),
        }
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        return RedirectResponse(target, status_code=302)

    def _client_ok(self, request: Request, form) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            cid, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            cid, secret = form.get("client_id"), form.get("client_secret")
        return cid == self.client_id and secret == self.client_secret

    async def token(self, request: Request) -> JSONResponse:
        self.log.append("token")
        form = await request.form()
        grant = self.codes.pop(form.get("code", ""), None)
        if not self._client_ok(request, form) or grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            made = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if made != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                  **grant["identity"]}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": id_token},
                            headers={"Cache-Control": "no-store"})

    # --- running -----------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
        ])

    def start(self) -> OIDCProvider:
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.time() + 10
        while not self._server.started and time.time() < deadline:
            time.sleep(0.05)
        if not self._server.started:
            raise RuntimeError("the test OpenID Connect provider did not start")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
