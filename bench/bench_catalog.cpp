// SPDX-License-Identifier: Apache-2.0
// Catalog engine at scale: a generated catalog of N entities (default 100,000) written to disk,
// then read, validated and related cold; then saved to the store and restored warm; with peak
// memory. Prints numbers; never fails on time.
//
//   bench_catalog [N] [--keep DIR]
// Phases run as child processes: --cold DIR DB, then --warm DB.
#include "cataloggenerator.h"

#include "catalog/catalog.h"
#include "sources/sourceload.h"
#include "store/catalogstore.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QProcess>
#include <QThread>

using namespace Flightdeck;

namespace {

qint64 procStatusKb(const char* key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(qstrlen(key)).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Child process: read the folder cold, relate and index it, save it to the store.
int cold(const QString& dir, const QString& dbPath, QTextStream& out)
{
    Sources::CatalogSourceSpec spec;
    spec.name = QStringLiteral("bench");
    spec.type = Sources::CatalogSourceSpec::Type::Directory;
    spec.path = dir;
    QElapsedTimer t;
    t.start();
    const Sources::SourceLoad load = Sources::loadLocalSource(spec, {});
    const qint64 readMs = t.elapsed();
    Catalog::Catalog::BuildInput input;
    input.files = load.files;
    input.extraDiagnostics = load.diagnostics;
    input.buildSearchIndex = false;
    const Catalog::CatalogPtr catalog = Catalog::Catalog::build(input);
    const qint64 coldMs = t.elapsed();
    t.restart();
    catalog->searchIndex();
    const qint64 indexMs = t.elapsed();
    out << "cold: read + validate          " << readMs << " ms\n";
    out << "cold: + relate                 " << coldMs << " ms   (target <= 2000 ms)\n";
    out << "cold: search index             " << indexMs << " ms   (built in the background)\n";
    out << "      " << catalog->size() << " entities, " << catalog->relationCount() << " relations, "
        << catalog->errorCount() << " errors, " << catalog->warningCount() << " warnings\n";
    out << "cold: peak memory              " << procStatusKb("VmHWM:") / 1024 << " MiB   (target <= 600 MiB)\n";
    if (catalog->errorCount() != 0) {
        for (int i = 0; i < std::min<int>(5, int(catalog->diagnostics().size())); ++i)
            out << catalog->diagnostics()[i].toText() << "\n";
        return 1;
    }
    Store::Database db(dbPath);
    if (!db.open()) {
        out << "store: " << db.errorString() << "\n";
        return 1;
    }
    Store::CatalogStore store(db);
    Store::SourceState state;
    state.name = spec.name;
    state.refreshedAt = QDateTime::currentDateTimeUtc();
    QString error;
    t.restart();
    if (!store.replaceSource(state, load.files, &error)) {
        out << "store: " << error << "\n";
        return 1;
    }
    out << "store: save                    " << t.elapsed() << " ms, " << QFileInfo(dbPath).size() / (1024 * 1024)
        << " MiB on disk\n";
    return 0;
}

// Child process: a restart that shows the stored catalog.
int warm(const QString& dbPath, QTextStream& out)
{
    QElapsedTimer t;
    t.start();
    Store::Database db(dbPath);
    if (!db.open()) {
        out << "store: " << db.errorString() << "\n";
        return 1;
    }
    Store::CatalogStore store(db);
    const Store::StoredCatalog stored = store.load();
    const qint64 loadMs = t.elapsed();
    Catalog::Catalog::BuildInput input;
    for (const Store::StoredSource& s : stored.sources)
        input.files += s.files;
    input.buildSearchIndex = false;
    const Catalog::CatalogPtr shown = Catalog::Catalog::build(input);
    const qint64 relatedMs = t.elapsed();
    input.buildSearchIndex = true;
    const Catalog::CatalogPtr warmCatalog = Catalog::Catalog::build(input);
    const qint64 indexedMs = t.elapsed() - relatedMs + loadMs;
    out << "warm: load from store          " << loadMs << " ms\n";
    out << "warm: + relate                 " << relatedMs << " ms   (target <= 500 ms)\n";
    out << "warm: + relate and index       " << indexedMs << " ms\n";
    out << "      " << warmCatalog->size() << " entities, " << shown->relationCount() << " relations\n";
    out << "warm: peak memory              " << procStatusKb("VmHWM:") / 1024 << " MiB\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--cold") && args.size() == 4)
        return cold(args[2], args[3], out);
    if (args.value(1) == QLatin1String("--warm") && args.size() == 3)
        return warm(args[2], out);
    int n = 100000;
    QString keep;
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--keep") && i + 1 < args.size())
            keep = args[++i];
        else
            n = args[i].toInt();
    }
    if (n < 20) {
        QTextStream(stderr) << "usage: bench_catalog [N>=20] [--keep DIR]\n";
        return 2;
    }
    QTemporaryDir tmp;
    const QString dir = keep.isEmpty() ? tmp.filePath(QStringLiteral("catalog")) : keep;
    {
        Bench::CatalogOptions options;
        options.entities = n;
        const Bench::GeneratedCatalog generated = Bench::generateCatalog(options);
        qint64 bytes = 0;
        for (const Bench::CatalogFile& f : generated.files) {
            const QString path = dir + QLatin1Char('/') + f.path;
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(f.content) != f.content.size()) {
                QTextStream(stderr) << "cannot write " << path << "\n";
                return 1;
            }
            bytes += f.content.size();
        }
        out << "catalog: " << n << " entities in " << generated.files.size() << " files, " << bytes / (1024 * 1024)
            << " MiB of YAML; " << QThread::idealThreadCount() << " cores\n";
    }
    out.flush();
    // Each phase runs in a fresh process, so its time and peak memory are its own.
    const QString db = tmp.filePath(QStringLiteral("store.sqlite"));
    for (const QStringList& phase : {QStringList {QStringLiteral("--cold"), dir, db}, QStringList {QStringLiteral("--warm"), db}}) {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedChannels);
        p.start(app.applicationFilePath(), phase);
        p.waitForFinished(-1);
        if (p.exitCode() != 0)
            return 1;
    }
    return 0;
}
