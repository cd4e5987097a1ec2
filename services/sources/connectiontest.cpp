// SPDX-License-Identifier: Apache-2.0
#include "connectiontest.h"

#include "backstagesource.h"
#include "filescanner.h"
#include "git/gitrepository.h"

#include "core/workers.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Sources {

ConnectionTest::ConnectionTest(QObject* parent)
    : QObject(parent)
    , m_cancel(std::make_shared<std::atomic<bool>>(false))
{
}

ConnectionTest::~ConnectionTest()
{
    m_cancel->store(true);
}

void ConnectionTest::cancel()
{
    m_cancel->store(true);
    if (auto* r = qobject_cast<BackstageCatalogReader*>(m_reader))
        r->cancel();
}

void ConnectionTest::start(const CatalogSourceSpec& spec, const QString& secret, int timeoutMs)
{
    auto* watcher = new QFutureWatcher<ConnectionTestResult>(this);
    connect(watcher, &QFutureWatcher<ConnectionTestResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        Q_EMIT finished(watcher->result());
    });
    const auto cancel = m_cancel;
    switch (spec.type) {
    case CatalogSourceSpec::Type::File:
    case CatalogSourceSpec::Type::Directory:
        watcher->setFuture(QtConcurrent::run(workers(), [spec, cancel] {
            ConnectionTestResult r;
            const QFileInfo info(spec.path);
            if (!info.exists()) {
                r.message = tr("%1 does not exist").arg(spec.path);
                r.hint = tr("Check the path.");
                return r;
            }
            if (spec.type == CatalogSourceSpec::Type::File) {
                r.ok = info.isFile() && info.isReadable();
                r.message = r.ok ? tr("The file can be read") : tr("%1 is not a readable file").arg(spec.path);
                return r;
            }
            const ScanResult scan = scanDirectory(spec.path, spec.globs, cancel.get());
            r.ok = !scan.files.isEmpty();
            r.message = r.ok ? tr("%n catalog files found", nullptr, int(scan.files.size()))
                             : tr("No catalog files found in %1").arg(spec.path);
            if (!r.ok)
                r.hint = tr("Catalog files are named catalog-info.yaml; set globs to read others (e.g. **/*.yaml).");
            return r;
        }));
        return;
    case CatalogSourceSpec::Type::Git: {
        Git::RemoteOptions options;
        options.credentials.secret = secret.toUtf8();
        options.timeouts.connectMs = timeoutMs;
        options.timeouts.idleMs = timeoutMs;
        options.cancel = cancel.get();
        watcher->setFuture(QtConcurrent::run(workers(), [spec, options, cancel] {
            ConnectionTestResult r;
            const Git::Result<Git::RemoteInfo> info = Git::Repository::probe(spec.url, options);
            if (!info.ok()) {
                r.message = info.error().message;
                r.hint = info.error().hint;
                return r;
            }
            const QString branch = spec.branch.isEmpty() ? info->defaultBranch : spec.branch;
            if (!info->branches.contains(branch)) {
                r.message = tr("The repository has no branch %1 (it has: %2)").arg(branch, info->branches.join(QStringLiteral(", ")));
                r.hint = tr("Choose one of the branches it has.");
                return r;
            }
            r.ok = true;
            r.message = tr("Reached; branch %1 of %n branches", nullptr, int(info->branches.size())).arg(branch);
            return r;
        }));
        return;
    }
    case CatalogSourceSpec::Type::Backstage: {
        watcher->deleteLater();
        auto* reader = new BackstageCatalogReader(this);
        reader->setPageSize(1);
        reader->setMaxPages(1);
        reader->setTimeoutMs(timeoutMs);
        m_reader = reader;
        connect(reader, &BackstageCatalogReader::finished, this, [this, reader](const BackstageReadResult& read) {
            reader->deleteLater();
            ConnectionTestResult r;
            // One page of one entity is all that was asked for; "more pages" is not a failure here.
            r.ok = read.ok || (!read.entities.isEmpty() && read.pages >= 1);
            if (r.ok)
                r.message = read.totalItems >= 0 ? tr("Reached; the catalog holds %n entities", nullptr, read.totalItems)
                                                 : tr("Reached the catalog API");
            else {
                r.message = read.error;
                r.hint = read.hint;
            }
            Q_EMIT finished(r);
        });
        reader->start(spec, secret);
        return;
    }
    }
}

} // namespace Flightdeck::Sources
