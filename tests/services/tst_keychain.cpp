// SPDX-License-Identifier: Apache-2.0
// KeychainSecretStore against a real keyring. Registered twice:
//  - tst_keychain_real runs under tests/support/with-keyring.sh (a private D-Bus session with an
//    unlocked gnome-keyring) and proves credentials really reach the keyring, checked with an
//    independent client (secret-tool, libsecret's command-line tool) in a separate process;
//  - tst_keychain runs with no session bus and proves the failure reads clearly.
#include "secrets/keychainsecretstore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <optional>

using namespace Flightdeck::Secrets;

class tst_Keychain : public QObject
{
    Q_OBJECT

private:
    bool m_real = false;
    int m_counter = 0;

    // A fresh key per test so runs never see each other's entries.
    QString uniqueKey(const char* stem)
    {
        return QStringLiteral("flightdeck-test.%1.%2.%3")
            .arg(QLatin1String(stem))
            .arg(QCoreApplication::applicationPid())
            .arg(++m_counter);
    }

    template <typename Start> static std::optional<SecretResult> await(Start start)
    {
        std::optional<SecretResult> got;
        start([&got](const SecretResult& r) { got = r; });
        if (!QTest::qWaitFor([&got] { return got.has_value(); }, 30000))
            return std::nullopt;
        return got;
    }

    struct ToolResult
    {
        bool ran = false;
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    // secret-tool talks to the Secret Service itself (libsecret), independently of QtKeychain.
    static ToolResult secretTool(const QStringList& args, const QByteArray& input = {})
    {
        ToolResult t;
        QProcess p;
        p.start(QStringLiteral("secret-tool"), args);
        if (!p.waitForStarted(10000))
            return t;
        if (!input.isNull())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished(5000);
            return t;
        }
        t.ran = p.exitStatus() == QProcess::NormalExit;
        t.exitCode = p.exitCode();
        t.out = p.readAllStandardOutput();
        t.err = p.readAllStandardError();
        return t;
    }
    // Written out, not taken from the code under test: credentials must be under service "flightdeck".
    static QStringList attributes(const QString& key)
    {
        return { QStringLiteral("server"), QStringLiteral("flightdeck"), QStringLiteral("user"), key };
    }
    static ToolResult lookup(const QString& key)
    {
        return secretTool(QStringList { QStringLiteral("lookup") } + attributes(key));
    }
    // Number of keyring items for this key, as secret-tool sees them.
    static int itemCount(const QString& key)
    {
        const ToolResult t
            = secretTool(QStringList { QStringLiteral("search"), QStringLiteral("--all") } + attributes(key));
        // secret-tool prints each item as a "[/org/freedesktop/secrets/...]" header line
        const QByteArray all = QByteArray(t.out).append(t.err);
        return int(all.count("\n[/") + (all.startsWith("[/") ? 1 : 0));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_real = qEnvironmentVariable("FLIGHTDECK_TEST_KEYRING") == QLatin1String("gnome-keyring");
        if (!m_real) {
            // Make sure no keyring is reachable, whatever session this runs in: a bus address that
            // leads nowhere, and no X11 display to autolaunch one.
            qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/flightdeck-test-no-bus");
            qunsetenv("DISPLAY");
            qunsetenv("WAYLAND_DISPLAY");
        }
        // QtKeychain picks KWallet in a KDE session; the private keyring is the Secret Service.
        qunsetenv("XDG_CURRENT_DESKTOP");
        qunsetenv("DESKTOP_SESSION");
        qunsetenv("KDE_FULL_SESSION");
    }

    void noBus_everyOperation_reportsNoKeyringWithHint()
    {
        if (m_real)
            QSKIP("this case runs as tst_keychain, without a session bus");
        KeychainSecretStore store;
        const QString key = QStringLiteral("github-token");
        for (const auto op : { SecretOperation::Read, SecretOperation::Write, SecretOperation::Remove }) {
            auto r = await([&](auto cb) {
                if (op == SecretOperation::Read)
                    store.read(key, nullptr, cb);
                else if (op == SecretOperation::Write)
                    store.write(key, QStringLiteral("value-that-goes-nowhere"), nullptr, cb);
                else
                    store.remove(key, nullptr, cb);
            });
            QVERIFY(r);
            QVERIFY(!r->ok);
            QCOMPARE(r->operation, op);
            QCOMPARE(r->error, SecretError::NoBackend);
            QVERIFY2(r->message.endsWith(QLatin1String("no keyring is running")), qPrintable(r->message));
            QVERIFY2(r->hint.contains(QLatin1String("start gnome-keyring or KWallet")), qPrintable(r->hint));
            QVERIFY(!r->detail.isEmpty()); // QtKeychain's own words kept for bug reports
            QVERIFY(r->value.isEmpty());
        }
    }

    void write_thenReadBack_valueIsInTheKeyring_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addRow("token") << QStringLiteral("ghp_0123456789abcdefghijABCDEFGHIJ012345");
        QTest::addRow("spaces kept") << QStringLiteral("  pass word  ");
        QTest::addRow("unicode") << QStringLiteral("p\u00e4ss\u2713w\u00f6rd \U0001F511");
        QTest::addRow("newline") << QStringLiteral("line one\nline two");
        QTest::addRow("long") << QString(4096, QLatin1Char('x')) + QStringLiteral("end");
    }
    void write_thenReadBack_valueIsInTheKeyring()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        QFETCH(QString, value);
        KeychainSecretStore store;
        const QString key = uniqueKey("roundtrip");

        auto w = await([&](auto cb) { store.write(key, value, nullptr, cb); });
        QVERIFY(w);
        QVERIFY2(w->ok, qPrintable(w->message + QLatin1String(" / ") + w->detail));

        auto r = await([&](auto cb) { store.read(key, nullptr, cb); });
        QVERIFY(r);
        QVERIFY2(r->ok, qPrintable(r->message + QLatin1String(" / ") + r->detail));
        QCOMPARE(r->value, value);

        // Another client, in another process, finds the same value under service "flightdeck".
        const ToolResult t = lookup(key);
        QVERIFY2(t.ran, "secret-tool did not run");
        QCOMPARE(t.exitCode, 0);
        QCOMPARE(QString::fromUtf8(t.out), value);
        QCOMPARE(itemCount(key), 1);

        QVERIFY(await([&](auto cb) { store.remove(key, nullptr, cb); })->ok);
    }

    void overwrite_replacesTheSingleEntry()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        KeychainSecretStore store;
        const QString key = uniqueKey("overwrite");
        QVERIFY(await([&](auto cb) { store.write(key, QStringLiteral("old-value"), nullptr, cb); })->ok);
        QVERIFY(await([&](auto cb) { store.write(key, QStringLiteral("new-value"), nullptr, cb); })->ok);

        auto r = await([&](auto cb) { store.read(key, nullptr, cb); });
        QVERIFY(r && r->ok);
        QCOMPARE(r->value, QStringLiteral("new-value"));
        const ToolResult t = lookup(key);
        QCOMPARE(t.exitCode, 0);
        QCOMPARE(t.out, QByteArray("new-value"));
        QCOMPARE(itemCount(key), 1);
    }

    void remove_thenRead_isNotFoundEverywhere()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        KeychainSecretStore store;
        const QString key = uniqueKey("remove");
        QVERIFY(await([&](auto cb) { store.write(key, QStringLiteral("short-lived"), nullptr, cb); })->ok);
        QCOMPARE(lookup(key).out, QByteArray("short-lived"));

        auto d = await([&](auto cb) { store.remove(key, nullptr, cb); });
        QVERIFY(d);
        QVERIFY2(d->ok, qPrintable(d->message + QLatin1String(" / ") + d->detail));

        auto r = await([&](auto cb) { store.read(key, nullptr, cb); });
        QVERIFY(r);
        QVERIFY(!r->ok);
        QCOMPARE(r->error, SecretError::NotFound);
        QCOMPARE(r->message, QStringLiteral("no credential named %1 in the keychain").arg(key));
        QVERIFY(r->hint.contains(QLatin1String("add it in Settings")));

        const ToolResult t = lookup(key);
        QVERIFY(t.ran);
        QVERIFY(t.out.isEmpty());
        QCOMPARE(itemCount(key), 0);
    }

    void readMissing_isNotFound()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        KeychainSecretStore store;
        const QString key = uniqueKey("missing");
        auto r = await([&](auto cb) { store.read(key, nullptr, cb); });
        QVERIFY(r);
        QVERIFY(!r->ok);
        QCOMPARE(r->error, SecretError::NotFound);
        QVERIFY(r->value.isEmpty());
    }

    void removeMissing_succeeds()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        KeychainSecretStore store;
        auto d = await([&](auto cb) { store.remove(uniqueKey("never"), nullptr, cb); });
        QVERIFY(d);
        QVERIFY2(d->ok, qPrintable(d->message + QLatin1String(" / ") + d->detail));
    }

    void storedByAnotherClient_isRead()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        const QString key = uniqueKey("external");
        // The attributes QtKeychain's Secret Service backend writes and looks up.
        const ToolResult stored
            = secretTool(QStringList { QStringLiteral("store"), QStringLiteral("--label=flightdeck test") }
                    + attributes(key) + QStringList { QStringLiteral("type"), QStringLiteral("plaintext") },
                QByteArray("glpat-from-elsewhere"));
        QVERIFY2(stored.ran && stored.exitCode == 0, stored.err.constData());

        KeychainSecretStore store;
        auto r = await([&](auto cb) { store.read(key, nullptr, cb); });
        QVERIFY(r);
        QVERIFY2(r->ok, qPrintable(r->message + QLatin1String(" / ") + r->detail));
        QCOMPARE(r->value, QStringLiteral("glpat-from-elsewhere"));
        QVERIFY(await([&](auto cb) { store.remove(key, nullptr, cb); })->ok);
        QCOMPARE(itemCount(key), 0);
    }

    void manyOperationsInFlight_eachGetsItsOwnResult()
    {
        if (!m_real)
            QSKIP("needs a keyring: runs as tst_keychain_real under tests/support/with-keyring.sh");
        KeychainSecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        QStringList keys;
        for (int i = 0; i < 12; ++i)
            keys << uniqueKey("parallel");
        for (int i = 0; i < keys.size(); ++i)
            store.write(keys[i], QStringLiteral("value-%1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), keys.size(), 60000);
        for (const auto& args : std::as_const(spy))
            QVERIFY(args.at(0).value<SecretResult>().ok);

        QHash<QString, QString> read;
        for (const QString& k : std::as_const(keys))
            store.read(k, this,
                [&read](const SecretResult& r) { read.insert(r.key, r.ok ? r.value : QStringLiteral("<error>")); });
        QTRY_COMPARE_WITH_TIMEOUT(read.size(), keys.size(), 60000);
        for (int i = 0; i < keys.size(); ++i)
            QCOMPARE(read.value(keys[i]), QStringLiteral("value-%1").arg(i));
        for (const QString& k : std::as_const(keys))
            store.remove(k);
        QTRY_COMPARE_WITH_TIMEOUT(store.pendingCount(), 0, 60000);
        QCOMPARE(itemCount(keys.first()), 0);
    }

    void invalidName_neverReachesTheKeyring()
    {
        KeychainSecretStore store;
        auto r = await([&](auto cb) { store.write(QStringLiteral("has space"), QStringLiteral("v"), nullptr, cb); });
        QVERIFY(r);
        QCOMPARE(r->error, SecretError::InvalidName);
        if (m_real)
            QCOMPARE(itemCount(QStringLiteral("has space")), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Keychain)
#include "tst_keychain.moc"
