// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers the REST backends share: reading numeric settings, building URLs, reading JSON.

#include "deploybackend.h"
#include "net/httptypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>
#include <QByteArray>
#include <QString>

#include <functional>

class QTimer;

namespace Flightdeck::Net {
class HttpReply;
}

namespace Flightdeck::Deploy::Support {

// The setting as a whole number clamped to [minimum, maximum]; fallback when absent or not a number.
int intSetting(const DeployTarget& target, const QString& key, int fallback, int minimum, int maximum);
// A number setting with a fallback when absent, in [min, max]; false with *error naming the key
// and the range when it is something else.
bool readNumber(const DeployTarget& target, const QString& key, double fallback, double min, double max, double* out,
    QString* error);
// The URL trimmed, without trailing slashes.
QString withoutTrailingSlash(QString url);
// s percent-encoded for one path segment.
QString pathSegment(const QString& s);
// An ISO 8601 time as UTC; invalid when the value is not one.
QDateTime timeOf(const QJsonValue& value);
QJsonObject objectAt(const QJsonObject& o, const char* key);
QString stringAt(const QJsonObject& o, const char* key);

// What to tell people when a request got no HTTP answer: it timed out, the connection was dropped,
// or the server could not be reached. `vendor` names the server ("Argo CD"), `host` where it is,
// `doing` what was asked ("sync checkout-staging"); foreign text (the error's own words) passes
// through `scrub`, which removes secrets.
struct Failure
{
    QString message;
    QString hint;
};
Failure transportFailure(const Net::HttpError& e, const QString& vendor, const QString& host, const QString& doing,
    int timeoutMs, const std::function<QString(const QString&)>& scrub);

// A job of a REST backend: one HTTP exchange at a time (m_reply) and a single-shot poll timer whose
// timeout runs `poll`. done() ends the job once, stopping both.
class RestJob : public DeployJob
{
protected:
    RestJob(QObject* parent, std::function<void()> poll);
    void done(DeployResult result);
    // Forgets the exchange in flight and cancels it (its answer is not wanted any more).
    void dropReply();
    // The start of cancel(): stops polling and the exchange in flight. True when that ended the job:
    // nothing had changed yet, so it finished Cancelled, saying whether a request that changes
    // something was on its way to `vendor` (then `lookAt` says where to check). False when the change
    // is under way and the backend has to stop it; also when a cancel is already being handled.
    bool stopBeforeChange(const QString& vendor, const QString& lookAt);

    QTimer* m_pollTimer;
    QPointer<Net::HttpReply> m_reply;
    QString m_what; // what the request in flight asks, for messages
    bool m_changed = false; // past the point of no return
    bool m_mutationInFlight = false; // the request in flight changes something
    bool m_cancelling = false;
};

// Cuts streamed output (a process's, a progressive log's) into lines: '\n' ends a line, a trailing
// '\r' is dropped, a line longer than maxBytes is cut there. `line` receives each one.
class LineSplitter
{
public:
    explicit LineSplitter(qsizetype maxBytes = 64 * 1024)
        : m_maxBytes(maxBytes)
    {
    }
    void feed(const QByteArray& bytes, const std::function<void(QByteArray)>& line);
    // The last line when the output ended without a newline.
    void flush(const std::function<void(QByteArray)>& line);

private:
    QByteArray m_partial;
    qsizetype m_maxBytes;
};

} // namespace Flightdeck::Deploy::Support
