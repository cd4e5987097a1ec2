// SPDX-License-Identifier: Apache-2.0
#include "deploybackend.h"

#include <QMetaObject>
#include <QRegularExpression>

namespace Flightdeck::Deploy {

DeployResult DeployResult::failure(const QString& message, const QString& hint)
{
    DeployResult result;
    result.outcome = Outcome::Failed;
    result.message = message;
    result.hint = hint;
    return result;
}

DeployJob::DeployJob(QObject* parent)
    : QObject(parent)
{
}

DeployJob::~DeployJob() = default;

void DeployJob::cancel()
{
    if (m_finished || m_cancelRequested)
        return;
    m_cancelRequested = true;
    // A job that does not say otherwise cannot stop what its backend does: only the waiting stops.
    DeployResult result;
    result.outcome = Outcome::Unknown;
    result.message = tr("Stopped waiting for the backend, which cannot abort: the operation may still complete.");
    finishLater(result);
}

void DeployJob::finish(DeployResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_result = std::move(result);
    Q_EMIT finished(m_result);
    deleteLater();
}

void DeployJob::finishLater(DeployResult result)
{
    if (m_finished || m_finishQueued)
        return;
    m_finishQueued = true;
    QMetaObject::invokeMethod(
        this, [this, result = std::move(result)]() mutable { finish(std::move(result)); }, Qt::QueuedConnection);
}

DeployBackend::DeployBackend(const BackendContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

DeployBackend::~DeployBackend() = default;

DeployJob* DeployBackend::failedJob(const QString& message, const QString& hint)
{
    class FailedJob final : public DeployJob
    {
    public:
        FailedJob(QObject* parent, DeployResult result)
            : DeployJob(parent)
        {
            finishLater(std::move(result));
        }
        void cancel() override { }
    };
    return new FailedJob(this, DeployResult::failure(message, hint));
}

DeployJob* DeployBackend::unsupportedJob(Action action)
{
    return failedJob(tr("The %1 backend cannot %2.").arg(type(), actionName(action)),
        tr("It can: %1.").arg(capabilityNames(capabilities()).join(QStringLiteral(", "))));
}

QString actionName(Action action)
{
    switch (action) {
    case Action::Status:
        return QStringLiteral("status");
    case Action::History:
        return QStringLiteral("history");
    case Action::Versions:
        return QStringLiteral("versions");
    case Action::Deploy:
        return QStringLiteral("deploy");
    case Action::Rollback:
        return QStringLiteral("rollback");
    case Action::Promote:
        return QStringLiteral("promote");
    case Action::PromoteFull:
        return QStringLiteral("promote-full");
    case Action::Abort:
        return QStringLiteral("abort");
    case Action::Pause:
        return QStringLiteral("pause");
    case Action::Resume:
        return QStringLiteral("resume");
    case Action::Retry:
        return QStringLiteral("retry");
    }
    return QStringLiteral("unknown");
}

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded:
        return QStringLiteral("succeeded");
    case Outcome::Failed:
        return QStringLiteral("failed");
    case Outcome::Cancelled:
        return QStringLiteral("cancelled");
    case Outcome::Unknown:
        return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

QString capabilityName(Capability capability)
{
    switch (capability) {
    case Capability::Deploy:
        return QStringLiteral("deploy");
    case Capability::Rollback:
        return QStringLiteral("rollback");
    case Capability::Promote:
        return QStringLiteral("promote");
    case Capability::PromoteFull:
        return QStringLiteral("promote-full");
    case Capability::Abort:
        return QStringLiteral("abort");
    case Capability::PauseResume:
        return QStringLiteral("pause-resume");
    case Capability::Retry:
        return QStringLiteral("retry");
    case Capability::Status:
        return QStringLiteral("status");
    case Capability::History:
        return QStringLiteral("history");
    case Capability::LiveProgress:
        return QStringLiteral("live-progress");
    case Capability::Versions:
        return QStringLiteral("versions");
    }
    return QStringLiteral("unknown");
}

QStringList capabilityNames(Capabilities capabilities)
{
    QStringList names;
    for (quint32 bit = 1; bit <= quint32(Capability::Versions); bit <<= 1) {
        if (capabilities.testFlag(Capability(bit)))
            names << capabilityName(Capability(bit));
    }
    return names;
}

Capability requiredCapability(Action action)
{
    switch (action) {
    case Action::Status:
        return Capability::Status;
    case Action::History:
        return Capability::History;
    case Action::Versions:
        return Capability::Versions;
    case Action::Deploy:
        return Capability::Deploy;
    case Action::Rollback:
        return Capability::Rollback;
    case Action::Promote:
        return Capability::Promote;
    case Action::PromoteFull:
        return Capability::PromoteFull;
    case Action::Abort:
        return Capability::Abort;
    case Action::Pause:
    case Action::Resume:
        return Capability::PauseResume;
    case Action::Retry:
        return Capability::Retry;
    }
    return Capability::Status;
}

QString substitute(QString text, const QHash<QString, QString>& values)
{
    if (!text.contains(QLatin1Char('{')))
        return text;
    static const QRegularExpression placeholder(QStringLiteral("\\{([A-Za-z][A-Za-z0-9_.-]*)\\}"));
    QString out;
    qsizetype last = 0;
    auto it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const auto found = values.constFind(m.captured(1));
        if (found == values.cend())
            continue;
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += *found;
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace Flightdeck::Deploy
