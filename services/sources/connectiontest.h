// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sourcespec.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

namespace Flightdeck::Sources {

struct ConnectionTestResult
{
    bool ok = false;
    QString message; // what was found ("3 catalog files", "branches: main, release"), or what is wrong
    QString hint;    // what to do when it failed
};

// Checks that a source can be read, without reading the catalog: a folder exists and holds
// catalog files; a git remote answers and has the branch (ls-remote); a Backstage backend answers
// its catalog API with the credential. Signal-driven; emits finished() exactly once.
class ConnectionTest : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionTest(QObject* parent = nullptr);
    ~ConnectionTest() override;

    // secret: the credential's value (read from the keychain by the caller), or empty.
    void start(const CatalogSourceSpec& spec, const QString& secret, int timeoutMs = 15000);
    void cancel();

Q_SIGNALS:
    void finished(const Flightdeck::Sources::ConnectionTestResult& result);

private:
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QPointer<QObject> m_reader;
    bool m_done = false;
};

} // namespace Flightdeck::Sources
