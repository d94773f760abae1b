"""Issue 21: `X-Forwarded-For` is trusted only from a proxy the operator names.

The per-client limit on failed logins counts the client's address. uvicorn (which serves digled)
takes that address from `X-Forwarded-For` for the proxies it trusts, and with FORWARDED_ALLOW_IPS
unset it trusted 127.0.0.1 and ::1: any process on the machine could then send each failed login
"from" an invented address and never reach the limit. Now nobody is trusted unless
FORWARDED_ALLOW_IPS names the proxy (deploy/README.md says what to set).

Against a real `streamlit run app.py`, over the websocket, as a local attacker does it."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.sessions import Client
from tests.security import asyncrun
from tests.servers import Server

INVENTED = "203.0.113.{n}"  # TEST-NET-3: nobody's address


class ForwardingClient(Client):
    """A websocket session that claims to come through a proxy from `forwarded_for`."""

    def __init__(self, base_url: str, forwarded_for: str):
        super().__init__(base_url)
        self.forwarded_for = forwarded_for

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
            origin=self.base_url, additional_headers={"X-Forwarded-For": self.forwarded_for}, max_size=None,
            open_timeout=60)


async def _failed_login(url: str, forwarded_for: str) -> None:
    client = ForwardingClient(url, forwarded_for)
    await client.connect()
    try:
        await client.run(page_name="")
        name, password = client.widget("login_username"), client.widget("login_password")
        await client.run(set_values={name.id: WidgetState(id=name.id, string_value="nobody-at-all"),
                                     password.id: WidgetState(id=password.id, string_value="wrong")},
                         trigger=client.form_submitter("login").id)
    finally:
        await client.close()


def _client_keys(server: Server) -> set[str]:
    with sqlite3.connect(server.db_path) as c:
        return {k for (k,) in c.execute("SELECT key FROM login_throttle WHERE key LIKE 'client:%'")}


def _server(tmp_path_factory, name: str, **env) -> Server:
    s = Server(tmp_path_factory.mktemp(name), env_extra=env)
    if "FORWARDED_ALLOW_IPS" not in env:
        s.env.pop("FORWARDED_ALLOW_IPS", None)
    return s.start()


@pytest.fixture(scope="module")
def unnamed(tmp_path_factory):
    s = _server(tmp_path_factory, "unnamed")
    yield s
    s.stop()


def test_without_a_named_proxy_a_local_process_cannot_invent_client_addresses(unnamed):
    for n in range(3):
        asyncrun.run(_failed_login(unnamed.url, INVENTED.format(n=n)))
    keys = _client_keys(unnamed)
    assert not [k for k in keys if "203.0.113." in k], keys
    assert keys == {"client:local"}  # all three counted against the real peer (127.0.0.1)


def test_a_named_proxy_passes_the_clients_address_on(tmp_path_factory):
    named = _server(tmp_path_factory, "named", FORWARDED_ALLOW_IPS="127.0.0.1")
    try:
        asyncrun.run(_failed_login(named.url, INVENTED.format(n=9)))
        assert _client_keys(named) == {"client:203.0.113.9"}
    finally:
        named.stop()


def test_the_trust_is_set_only_while_uvicorn_loads_the_app(monkeypatch):
    import uvicorn

    from digled.ui import web

    assert web.trust_forwarded_for_only_when_named() is None  # no uvicorn Config loading anything
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = uvicorn.Config("app:app")
    assert config.forwarded_allow_ips == "127.0.0.1,::1"  # uvicorn's own default

    def load(self):  # stands in for uvicorn.Config.load importing app.py
        return web.trust_forwarded_for_only_when_named()

    assert load(config) == "" and config.forwarded_allow_ips == ""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2")
    assert load(config) == "10.0.0.2" and config.forwarded_allow_ips == "10.0.0.2"
