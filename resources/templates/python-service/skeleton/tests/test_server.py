"""Starts the real server on a free loopback port and talks HTTP to it."""

import contextlib
import http.client
import io
import json
import threading
import unittest

from ${{ values.package }}.server import create_server


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.server = create_server("127.0.0.1", 0)
        self.port = self.server.server_address[1]
        self.log = io.StringIO()
        self._redirect = contextlib.redirect_stdout(self.log)
        self._redirect.__enter__()
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()
        self._redirect.__exit__(None, None, None)

    def request(self, method, target):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(method, target)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def test_health(self):
        status, headers, data = self.request("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(data), {"status": "ok"})

    def test_hello(self):
        status, _, data = self.request("GET", "/v1/hello?name=unittest")
        self.assertEqual((status, json.loads(data)), (200, {"message": "Hello, unittest!"}))

    def test_head_has_no_body(self):
        status, headers, data = self.request("HEAD", "/v1/info")
        self.assertEqual(status, 200)
        self.assertNotEqual(headers["Content-Length"], "0")
        self.assertEqual(data, b"")

    def test_method_not_allowed(self):
        status, headers, _ = self.request("DELETE", "/healthz")
        self.assertEqual((status, headers["Allow"]), (405, "GET, HEAD"))

    def test_requests_are_logged_as_json(self):
        self.request("GET", "/readyz")
        self.server.shutdown()
        self.server.server_close()  # waits for the request threads, so the line is written
        line = json.loads(self.log.getvalue().splitlines()[-1])
        self.assertEqual((line["method"], line["path"], line["status"]), ("GET", "/readyz", 200))


if __name__ == "__main__":
    unittest.main()
