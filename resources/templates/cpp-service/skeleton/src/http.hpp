// Minimal HTTP/1.1 message handling: enough for a JSON service behind a load balancer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace service::http {

struct Request {
    std::string method;
    std::string path;                                  // decoded, without the query string
    std::map<std::string, std::string> query;          // decoded; the last value of a key wins
    std::map<std::string, std::string> headers;        // names in lower case
};

struct Response {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// Parses a request head: the request line and the header lines, up to and including the empty line.
// Returns nothing when the head is not a well-formed HTTP/1.0 or HTTP/1.1 request.
std::optional<Request> parseRequestHead(std::string_view head);

// Decodes %XX escapes and, in query strings, '+' as a space. Returns nothing on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

// Serialises a response with Content-Length and Connection: close.
std::string serialize(const Response& response);

std::string_view reasonPhrase(int status);

// Escapes a string for use inside a JSON string literal.
std::string jsonEscape(std::string_view text);

} // namespace service::http
