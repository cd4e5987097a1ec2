#include "check.hpp"
#include "http.hpp"

using namespace service::http;

int main()
{
    {
        const auto request = parseRequestHead("GET /v1/hello?name=Ada%20Lovelace&x=1+2 HTTP/1.1\r\nHost: example\r\n"
                                              "X-Trace:  abc \r\n\r\n");
        CHECK(request.has_value());
        CHECK(request->method == "GET");
        CHECK(request->path == "/v1/hello");
        CHECK(request->query.at("name") == "Ada Lovelace");
        CHECK(request->query.at("x") == "1 2");
        CHECK(request->headers.at("host") == "example");
        CHECK(request->headers.at("x-trace") == "abc");
    }
    // Malformed heads are refused.
    CHECK(!parseRequestHead("GET /\r\n\r\n"));                       // no version
    CHECK(!parseRequestHead("GET / HTTP/2.0\r\n\r\n"));              // unsupported version
    CHECK(!parseRequestHead("GET nope HTTP/1.1\r\n\r\n"));           // target is not a path
    CHECK(!parseRequestHead("GET /%zz HTTP/1.1\r\n\r\n"));           // bad escape
    CHECK(!parseRequestHead("GET /%4 HTTP/1.1\r\n\r\n"));            // truncated escape
    CHECK(!parseRequestHead("GET / HTTP/1.1\r\nBad Header\r\n\r\n")); // header without a colon
    CHECK(!parseRequestHead("GET / HTTP/1.1\r\nHost: x\r\n"));       // no empty line

    CHECK(percentDecode("a%2Fb+c", false) == "a/b+c");
    CHECK(percentDecode("a%2fb+c", true) == "a/b c");

    {
        Response response;
        response.status = 405;
        response.body = "{}";
        response.headers.emplace_back("Allow", "GET");
        const std::string text = serialize(response);
        CHECK(text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        CHECK(text.find("Content-Length: 2\r\n") != std::string::npos);
        CHECK(text.find("Allow: GET\r\n") != std::string::npos);
        CHECK(text.ends_with("\r\n\r\n{}"));
    }

    CHECK(jsonEscape("a\"b\\c\n\x01") == "a\\\"b\\\\c\\n\\u0001");
    return testResult("test_http");
}
