import json
import unittest

from ${{ values.package }} import __version__
from ${{ values.package }}.app import handle


def body(response):
    return json.loads(response.encode())


class HandleTest(unittest.TestCase):
    def test_health_and_readiness(self):
        self.assertEqual(handle("GET", "/healthz").status, 200)
        self.assertEqual(body(handle("GET", "/healthz")), {"status": "ok"})
        self.assertEqual(body(handle("GET", "/readyz")), {"status": "ready"})

    def test_info(self):
        self.assertEqual(body(handle("GET", "/v1/info")), {"name": "${{ values.name }}", "version": __version__})

    def test_hello(self):
        self.assertEqual(body(handle("GET", "/v1/hello")), {"message": "Hello, world!"})
        self.assertEqual(body(handle("GET", "/v1/hello?name=Ada%20Lovelace")), {"message": "Hello, Ada Lovelace!"})
        self.assertEqual(body(handle("GET", "/v1/hello?name=a&name=b")), {"message": "Hello, b!"})

    def test_hello_validates_the_name(self):
        self.assertEqual(handle("GET", "/v1/hello?name=").status, 400)
        self.assertEqual(handle("GET", "/v1/hello?name=" + "x" * 65).status, 400)
        self.assertEqual(handle("GET", "/v1/hello?name=" + "x" * 64).status, 200)

    def test_unknown_path_and_method(self):
        self.assertEqual(handle("GET", "/nope").status, 404)
        response = handle("POST", "/v1/hello")
        self.assertEqual(response.status, 405)
        self.assertEqual(response.headers["Allow"], "GET, HEAD")


if __name__ == "__main__":
    unittest.main()
