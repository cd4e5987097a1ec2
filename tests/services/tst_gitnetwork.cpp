// SPDX-License-Identifier: Apache-2.0
// Git over the network on 127.0.0.1: smart HTTP through `git http-backend` behind Basic
// authentication (githttpserver.h), and peers that refuse, hang or stall, to prove that errors are
// clear, bounded by the configured timeouts, and that cancel works while libgit2 waits on a socket.

#include "git/gitrepository.h"
#include "gitfixture.h"
#include "githttpserver.h"
#include "sources/gitmirror.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

using namespace Flightdeck;
using namespace Flightdeck::Git;
using namespace Flightdeck::Testing;

namespace {
const QString user = QStringLiteral("fd-user");
const QByteArray token = "fd-token-0123456789abcdef";
} // namespace

class TestGitNetwork : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    std::unique_ptr<GitHttpServer> m_server;
    int m_counter = 0;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    RemoteOptions withToken(const QByteArray& secret = token) const
    {
        RemoteOptions options;
        options.credentials.username = user;
        options.credentials.secret = secret;
        options.timeouts.idleMs = 20000;
        return options;
    }

    static QByteArray readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // Clones with a cancel flag raised from another thread once `blocked` says the clone waits on
    // the peer (checked every 10 ms, from 300 ms after the start, for at most 20 s).
    static Result<Repository> cloneAndCancel(
        const QString& url, const QString& target, RemoteOptions options, const std::function<bool()>& blocked)
    {
        std::atomic<bool> cancel { false };
        std::atomic<bool> finished { false };
        options.cancel = &cancel;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            for (int i = 0; i < 2000 && !blocked() && !finished; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            cancel = true;
        });
        QElapsedTimer timer;
        timer.start();
        Result<Repository> result = Repository::clone(url, target, options);
        const qint64 elapsed = timer.elapsed();
        finished = true;
        canceller.join();
        qInfo("returned %lld ms after the clone started (idle timeout %d s)", elapsed, options.timeouts.idleMs / 1000);
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed");
        m_root = m_dir.filePath(QStringLiteral("http-root"));
        QCOMPARE(createRemote(QDir(m_root).filePath(QStringLiteral("catalog.git")),
                     { { QStringLiteral("catalog-info.yaml"), "name: served-over-http\n" } }),
            QString());
        QVERIFY(!commitToRemote(QDir(m_root).filePath(QStringLiteral("catalog.git")), QStringLiteral("release"),
            { { QStringLiteral("catalog-info.yaml"), "name: release\n" } }, QStringLiteral("Release"))
                     .isEmpty());
        const QString hooked = QDir(m_root).filePath(QStringLiteral("hooked.git"));
        QCOMPARE(createRemote(hooked, { { QStringLiteral("catalog-info.yaml"), "name: protected\n" } }), QString());
        QFile hook(QDir(hooked).filePath(QStringLiteral("hooks/pre-receive")));
        QVERIFY(hook.open(QIODevice::WriteOnly));
        hook.write("#!/bin/sh\necho 'policy: main needs a review' >&2\nexit 1\n");
        hook.close();
        QVERIFY(hook.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

        GitHttpServer::Options options;
        options.projectRoot = m_root;
        options.username = user;
        options.token = token;
        m_server = std::make_unique<GitHttpServer>(options);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_server.reset();
        git_libgit2_shutdown();
    }

    void http_token_sentAndAccepted()
    {
        const GitHttpServer::Stats before = m_server->stats();
        const QString target = fresh(QStringLiteral("clone"));
        const Result<Repository> cloned
            = Repository::clone(m_server->url(QStringLiteral("catalog.git")), target, withToken());
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString()));
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))),
            QByteArray("name: served-over-http\n"));
        const GitHttpServer::Stats after = m_server->stats();
        QVERIFY(after.challenged > before.challenged); // the first request came without credentials
        QVERIFY(after.authorized >= before.authorized + 2); // ref discovery and upload-pack
        QCOMPARE(after.refused, before.refused);
        QCOMPARE(after.users.last(), user);
    }

    void http_wrongToken_authFailedWithoutLooping()
    {
        const GitHttpServer::Stats before = m_server->stats();
        RemoteOptions options = withToken("wrong-token-value");
        const QString target = fresh(QStringLiteral("clone"));
        const Result<Repository> cloned
            = Repository::clone(m_server->url(QStringLiteral("catalog.git")), target, options);
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::AuthFailed);
        QVERIFY2(cloned.error().hint.contains(QLatin1String("Settings/keychain")), qPrintable(cloned.error().hint));
        QVERIFY(!cloned.error().message.contains(QLatin1String("wrong-token-value")));
        const GitHttpServer::Stats after = m_server->stats();
        QVERIFY(after.refused > before.refused);
        // One challenge, then at most one retry per allowed attempt.
        QVERIFY2(after.requests - before.requests <= options.maxAuthAttempts + 1,
            qPrintable(QString::number(after.requests - before.requests)));
        QVERIFY(!QFileInfo::exists(target));
    }

    void http_noCredential_authRequired()
    {
        const Result<Repository> cloned = Repository::clone(
            m_server->url(QStringLiteral("catalog.git")), fresh(QStringLiteral("clone")), RemoteOptions {});
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::AuthRequired);
        QVERIFY(cloned.error().hint.contains(QLatin1String("credential")));
    }

    void http_secrets_neverInErrors()
    {
        const QString url
            = QStringLiteral("http://%1:password-in-url-42@127.0.0.1:%2/missing.git").arg(user).arg(m_server->port());
        RemoteOptions options = withToken("credential-secret-42");
        const Result<Repository> cloned = Repository::clone(url, fresh(QStringLiteral("clone")), options);
        QVERIFY(!cloned.ok());
        const QString text = cloned.error().toString();
        QVERIFY2(!text.contains(QLatin1String("password-in-url-42")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("credential-secret-42")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("127.0.0.1")), qPrintable(text));
    }

    void http_missingRepository_notARepository()
    {
        const Result<Repository> cloned
            = Repository::clone(m_server->url(QStringLiteral("nope.git")), fresh(QStringLiteral("clone")), withToken());
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::NotARepository);
    }

    void http_commitAndPush_updatesRemote()
    {
        const QString target = fresh(QStringLiteral("clone"));
        Result<Repository> cloned
            = Repository::clone(m_server->url(QStringLiteral("catalog.git")), target, withToken());
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString()));
        QFile file(QDir(target).filePath(QStringLiteral("pushed-over-http.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("kind: Component\n");
        file.close();
        const Result<CommitInfo> commit = cloned.value().commitAll(
            QStringLiteral("Push over HTTP"), Signature { QStringLiteral("Dana"), QStringLiteral("dana@example.com") });
        QVERIFY(commit.ok());
        const Status pushed = cloned.value().push(withToken());
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        QCOMPARE(revParse(QDir(m_root).filePath(QStringLiteral("catalog.git")), QStringLiteral("main")), commit->sha);
    }

    void http_pushRefusedByHook_pushRejected()
    {
        const QString remote = QDir(m_root).filePath(QStringLiteral("hooked.git"));
        const QString before = revParse(remote, QStringLiteral("main"));
        const QString target = fresh(QStringLiteral("clone"));
        Result<Repository> cloned = Repository::clone(m_server->url(QStringLiteral("hooked.git")), target, withToken());
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString()));
        QFile file(QDir(target).filePath(QStringLiteral("change.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x: 1\n");
        file.close();
        QVERIFY(cloned.value()
                    .commitAll(
                        QStringLiteral("Change"), Signature { QStringLiteral("Dana"), QStringLiteral("d@example.com") })
                    .ok());
        // libgit2 returns success here; only the per-reference status says the hook refused.
        const Status pushed = cloned.value().push(withToken());
        QVERIFY(!pushed.ok());
        QCOMPARE(pushed.error().kind, ErrorKind::PushRejected);
        QVERIFY2(pushed.error().message.contains(QLatin1String("refs/heads/main")), qPrintable(pushed.error().message));
        QCOMPARE(revParse(remote, QStringLiteral("main")), before);
    }

    void http_mirrorSyncTwice_usesToken()
    {
        const QString cache = fresh(QStringLiteral("cache"));
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("http-catalog");
        spec.type = Sources::CatalogSourceSpec::Type::Git;
        spec.url = m_server->url(QStringLiteral("catalog.git"));
        spec.branch = QStringLiteral("release");
        const Credentials credentials { user, token, false };
        const Sources::GitMirrorResult first = Sources::GitMirror::sync(spec, cache, credentials, {}, nullptr);
        QVERIFY2(first.ok(), qPrintable(first.error.toString()));
        const Sources::GitMirrorResult second = Sources::GitMirror::sync(spec, cache, credentials, {}, nullptr);
        QVERIFY2(second.ok(), qPrintable(second.error.toString()));
        QVERIFY(!second.offline);
        QCOMPARE(readFile(QDir(second.worktree).filePath(QStringLiteral("catalog-info.yaml"))),
            QByteArray("name: release\n"));
    }

    void http_mirrorWrongTokenAfterSync_offlineWithReason()
    {
        const QString cache = fresh(QStringLiteral("cache"));
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("http-catalog");
        spec.type = Sources::CatalogSourceSpec::Type::Git;
        spec.url = m_server->url(QStringLiteral("catalog.git"));
        QVERIFY(Sources::GitMirror::sync(spec, cache, Credentials { user, token, false }, {}, nullptr).ok());
        const Sources::GitMirrorResult stale
            = Sources::GitMirror::sync(spec, cache, Credentials { user, "revoked-token", false }, {}, nullptr);
        QVERIFY2(stale.ok(), qPrintable(stale.error.toString()));
        QVERIFY(stale.offline);
        QCOMPARE(stale.offlineReason.kind, ErrorKind::AuthFailed);
    }

    void http_tokenInUrl_usedButNeverWrittenToDisk()
    {
        const QString cache = fresh(QStringLiteral("cache"));
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("url-token");
        spec.type = Sources::CatalogSourceSpec::Type::Git;
        spec.url = QStringLiteral("http://%1:%2@127.0.0.1:%3/catalog.git")
                       .arg(user, QString::fromLatin1(token))
                       .arg(m_server->port());
        for (int round = 0; round < 2; ++round) { // clone, then fetch
            const Sources::GitMirrorResult result = Sources::GitMirror::sync(spec, cache, Credentials {}, {}, nullptr);
            QVERIFY2(result.ok(), qPrintable(result.error.toString()));
            QVERIFY(!result.offline);
            const QByteArray config = readFile(QDir(result.worktree).filePath(QStringLiteral(".git/config")));
            QVERIFY(config.contains("url = http://fd-user@127.0.0.1:"));
            QVERIFY2(!config.contains(token), config.constData());
        }
    }

    void http_probe_listsBranches()
    {
        const Result<RemoteInfo> info = Repository::probe(m_server->url(QStringLiteral("catalog.git")), withToken());
        QVERIFY2(info.ok(), qPrintable(info.error().toString()));
        QCOMPARE(info->defaultBranch, QStringLiteral("main"));
        QCOMPARE(info->branches, QStringList({ QStringLiteral("main"), QStringLiteral("release") }));
    }

    void network_closedPort_connectionRefused()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        const Result<Repository> cloned = Repository::clone(
            QStringLiteral("http://127.0.0.1:%1/x.git").arg(port), fresh(QStringLiteral("clone")), RemoteOptions {});
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::ConnectionRefused);
        QVERIFY2(cloned.error().message.contains(QStringLiteral("127.0.0.1:%1").arg(port)),
            qPrintable(cloned.error().message));
        QVERIFY(!cloned.error().hint.isEmpty());
    }

    void network_silentServer_timesOut_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addRow("http") << QStringLiteral("http://127.0.0.1:%1/x.git");
        // The TLS stream wraps the standard one: the handshake waits on our socket.
        QTest::addRow("https") << QStringLiteral("https://127.0.0.1:%1/x.git");
        // libssh2 reads the socket itself: only the watchdog can interrupt it.
        QTest::addRow("ssh") << QStringLiteral("ssh://git@127.0.0.1:%1/x.git");
    }

    void network_silentServer_timesOut()
    {
        QFETCH(QString, scheme);
        SilentTcpServer silent;
        QVERIFY(silent.listen());
        RemoteOptions options;
        options.timeouts.idleMs = 3000;
        const QString target = fresh(QStringLiteral("clone"));
        QElapsedTimer timer;
        timer.start();
        const Result<Repository> cloned = Repository::clone(scheme.arg(silent.port()), target, options);
        qInfo("gave up after %lld ms (idle timeout 3 s)", timer.elapsed());
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Timeout);
        QVERIFY2(cloned.error().message.contains(QLatin1String("nothing for 3 s")), qPrintable(cloned.error().message));
        QVERIFY(!cloned.error().hint.isEmpty());
        QVERIFY(!QFileInfo::exists(target));
    }

    void network_connectNeverCompletes_timesOut()
    {
        // A full accept queue makes the kernel drop further SYNs: the connect hangs in SYN_SENT.
        SilentTcpServer full;
        QVERIFY(full.listen(0, true));
        RemoteOptions options;
        options.timeouts.connectMs = 2000;
        options.timeouts.idleMs = 60000;
        const Result<Repository> cloned = Repository::clone(
            QStringLiteral("http://127.0.0.1:%1/x.git").arg(full.port()), fresh(QStringLiteral("clone")), options);
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Timeout);
        QVERIFY2(
            cloned.error().message.contains(QStringLiteral("no answer from 127.0.0.1:%1 within 2 s").arg(full.port())),
            qPrintable(cloned.error().message));
    }

    void network_cancelWhileBlocked_returnsCancelled_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addRow("http, silent server") << QStringLiteral("http-silent");
        QTest::addRow("ssh, silent server") << QStringLiteral("ssh-silent");
        QTest::addRow("http, upload-pack stalls mid-transfer") << QStringLiteral("http-stall");
    }

    void network_cancelWhileBlocked_returnsCancelled()
    {
        QFETCH(QString, kind);
        SilentTcpServer silent;
        QVERIFY(silent.listen());
        std::unique_ptr<GitHttpServer> stalling;
        QString url;
        if (kind == QLatin1String("http-silent")) {
            url = QStringLiteral("http://127.0.0.1:%1/x.git").arg(silent.port());
        } else if (kind == QLatin1String("ssh-silent")) {
            url = QStringLiteral("ssh://git@127.0.0.1:%1/x.git").arg(silent.port());
        } else {
            GitHttpServer::Options options;
            options.projectRoot = m_root;
            options.username = user;
            options.token = token;
            options.stallUploadPack = true;
            stalling = std::make_unique<GitHttpServer>(options);
            QVERIFY(stalling->start());
            url = stalling->url(QStringLiteral("catalog.git"));
        }
        RemoteOptions options = withToken();
        // Far beyond the test's duration: only the cancel flag can end the clone early.
        options.timeouts.idleMs = 120000;
        const QString target = fresh(QStringLiteral("clone"));
        GitHttpServer* server = stalling.get();
        const Result<Repository> cloned
            = cloneAndCancel(url, target, options, [server] { return !server || server->stats().stalled > 0; });
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Cancelled);
        QVERIFY(!QFileInfo::exists(target));
        if (stalling)
            QCOMPARE(stalling->stats().stalled, 1); // the cancel hit during the pack transfer
    }

    void network_unknownHost_hostNotFound()
    {
        RemoteOptions options;
        options.timeouts.resolveMs = 5000;
        const Result<Repository> cloned = Repository::clone(
            QStringLiteral("https://flightdeck-test.invalid/x.git"), fresh(QStringLiteral("clone")), options);
        QVERIFY(!cloned.ok());
        const Error error = cloned.error();
        QVERIFY2(error.message.contains(QLatin1String("'flightdeck-test.invalid'")), qPrintable(error.message));
        // .invalid never resolves; where no DNS server answers at all, the lookup times out instead.
        if (error.kind == ErrorKind::Timeout) {
            QVERIFY2(error.message.contains(QLatin1String("looking up the host name")), qPrintable(error.message));
        } else {
            QCOMPARE(error.kind, ErrorKind::HostNotFound);
            QVERIFY(error.hint.contains(QLatin1String("host name")));
        }
    }

    void network_scpLikeUrl_goesThroughSsh()
    {
        // git@host:path has no port: libgit2 connects to 22. Nothing listens there in the test
        // environment, or an sshd whose key we do not trust: either way the SSH transport was used.
        const Result<RemoteInfo> info
            = Repository::probe(QStringLiteral("git@127.0.0.1:team/catalog.git"), RemoteOptions {});
        QVERIFY(!info.ok());
        QVERIFY2(info.error().kind == ErrorKind::ConnectionRefused || info.error().kind == ErrorKind::Certificate,
            qPrintable(info.error().toString()));
        QVERIFY2(info.error().message.contains(QLatin1String("127.0.0.1")), qPrintable(info.error().message));
    }
};

QTEST_GUILESS_MAIN(TestGitNetwork)
#include "tst_gitnetwork.moc"
