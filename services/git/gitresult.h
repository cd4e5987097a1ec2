// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Flightdeck::Git {

// What went wrong, coarse enough for the UI to pick an icon and an action.
enum class ErrorKind
{
    None,
    Cancelled, // the caller's cancel flag was set
    Timeout, // no answer within the configured time
    HostNotFound, // the host name does not resolve
    ConnectionRefused, // nothing listens on host:port
    Network, // any other transport failure (reset, early EOF, TLS, SSH session)
    AuthRequired, // the server wants a credential and none was given
    AuthFailed, // the credential was refused
    Certificate, // TLS certificate or SSH host key not trusted
    NotARepository, // the URL or path holds no git repository
    BranchNotFound, // the requested branch does not exist (message lists the ones that do)
    NotFound, // another object (commit, reference, remote) is missing
    PushRejected, // the remote refused a reference update
    NothingToCommit, // commitAll found no change
    InvalidArgument, // bad input from the caller (empty URL, bad path)
    Filesystem, // local I/O failure (rename, permissions, disk full)
    Other
};

QString errorKindName(ErrorKind kind);

// A failure: message says what is wrong, hint says what to do. Neither ever contains a secret:
// messages from libgit2 are passed through redactSecrets() before they land here.
struct Error
{
    ErrorKind kind = ErrorKind::None;
    QString message;
    QString hint;
    int libgit2Code = 0; // the git_error_code that libgit2 returned, 0 when the error is ours

    bool isError() const { return kind != ErrorKind::None; }
    // "message (hint)" for logs and the command line.
    QString toString() const;

    static Error make(ErrorKind kind, QString message, QString hint = {})
    {
        return Error { kind, std::move(message), std::move(hint), 0 };
    }
};

// The value of a blocking git operation or the error that prevented it.
template <typename T> class Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    { }
    Result(Error error)
        : m_data(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T& value() const { return std::get<T>(m_data); }
    T& value() { return std::get<T>(m_data); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }

    // The error; an Error with kind None when the result holds a value.
    Error error() const { return ok() ? Error {} : std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// A result without a value.
class Status
{
public:
    Status() = default;
    Status(Error error)
        : m_error(std::move(error))
    { }

    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    Error m_error;
};

// Removes credentials from text meant for people: the password part of URLs
// (scheme://user:secret@host → scheme://user:***@host), a long token used as the URL's user
// (scheme://ghp_…@host → scheme://***@host), and every occurrence of `secret` itself.
QString redactSecrets(const QString& text, const QByteArray& secret = {});
// The URL with the password part of its user info replaced by ***.
QString redactUrl(const QString& url);

struct Credentials;
// For http(s) URLs with a password (https://user:token@host/x.git): returns the URL without it and,
// when `credentials` has no secret yet, moves the user and password there, so that the token reaches
// the server through the credential callback and is never written to .git/config.
QString takeUrlPassword(const QString& url, Credentials* credentials);

} // namespace Flightdeck::Git
