// SPDX-License-Identifier: Apache-2.0
// The SecretStore contract (asynchronous delivery, callbacks with a context, error wording) checked
// through the in-memory store, and the keychain error mapping through QtKeychain's own error values.
#include "secrets/keychainsecretstore.h"
#include "secrets/memorysecretstore.h"

#include <qt6keychain/keychain.h>

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Flightdeck::Secrets;

class tst_Secrets : public QObject
{
    Q_OBJECT

private:
    // Runs one operation to completion (bounded) and returns what the callback received.
    template <typename Start> static std::optional<SecretResult> await(Start start)
    {
        std::optional<SecretResult> got;
        start([&got](const SecretResult& r) { got = r; });
        if (!QTest::qWaitFor([&got] { return got.has_value(); }, 5000))
            return std::nullopt;
        return got;
    }

private Q_SLOTS:
    void memory_writeReadOverwriteRemove_roundTrip()
    {
        MemorySecretStore store;
        auto w = await(
            [&](auto cb) { store.write(QStringLiteral("github-token"), QStringLiteral("first"), nullptr, cb); });
        QVERIFY(w);
        QVERIFY2(w->ok, qPrintable(w->message));
        QCOMPARE(w->operation, SecretOperation::Write);
        QCOMPARE(w->key, QStringLiteral("github-token"));
        QVERIFY(w->value.isEmpty());

        auto r = await([&](auto cb) { store.read(QStringLiteral("github-token"), nullptr, cb); });
        QVERIFY(r && r->ok);
        QCOMPARE(r->value, QStringLiteral("first"));

        QVERIFY(await([&](auto cb) {
            store.write(QStringLiteral("github-token"), QStringLiteral("second"), nullptr, cb);
        })->ok);
        r = await([&](auto cb) { store.read(QStringLiteral("github-token"), nullptr, cb); });
        QVERIFY(r && r->ok);
        QCOMPARE(r->value, QStringLiteral("second"));

        auto d = await([&](auto cb) { store.remove(QStringLiteral("github-token"), nullptr, cb); });
        QVERIFY(d && d->ok);
        QVERIFY(!store.contains(QStringLiteral("github-token")));
        r = await([&](auto cb) { store.read(QStringLiteral("github-token"), nullptr, cb); });
        QVERIFY(r && !r->ok);
        QCOMPARE(r->error, SecretError::NotFound);
    }

    void memory_readMissing_namesCredentialAndSettings()
    {
        MemorySecretStore store;
        auto r = await([&](auto cb) { store.read(QStringLiteral("gitlab-token"), nullptr, cb); });
        QVERIFY(r);
        QVERIFY(!r->ok);
        QCOMPARE(r->error, SecretError::NotFound);
        QCOMPARE(r->message, QStringLiteral("no credential named gitlab-token in the keychain"));
        QVERIFY2(r->hint.contains(QLatin1String("add it in Settings")), qPrintable(r->hint));
        QVERIFY(r->value.isEmpty());
    }

    void memory_removeMissing_succeeds()
    {
        MemorySecretStore store;
        auto r = await([&](auto cb) { store.remove(QStringLiteral("never-stored"), nullptr, cb); });
        QVERIFY(r);
        QVERIFY(r->ok);
    }

    void memory_result_isNeverDeliveredInsideTheCall()
    {
        MemorySecretStore store;
        store.insert(QStringLiteral("k"), QStringLiteral("v"));
        QSignalSpy spy(&store, &SecretStore::finished);
        bool called = false;
        store.read(QStringLiteral("k"), nullptr, [&called](const SecretResult&) { called = true; });
        store.read(QStringLiteral("bad name"), nullptr, [&called](const SecretResult&) { called = true; });
        QVERIFY(!called);
        QCOMPARE(spy.count(), 0);
        QCOMPARE(store.pendingCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 5000);
        QVERIFY(called);
        QCOMPARE(store.pendingCount(), 0);
        const auto first = spy.at(0).at(0).value<SecretResult>();
        QVERIFY(first.ok);
        QCOMPARE(first.value, QStringLiteral("v"));
    }

    void memory_destroyedContext_skipsCallbackButSignals()
    {
        MemorySecretStore store;
        store.insert(QStringLiteral("k"), QStringLiteral("v"));
        QSignalSpy spy(&store, &SecretStore::finished);
        int calls = 0;
        auto* context = new QObject;
        store.read(QStringLiteral("k"), context, [&calls](const SecretResult&) { ++calls; });
        delete context;
        QObject alive;
        store.read(QStringLiteral("k"), &alive, [&calls](const SecretResult&) { ++calls; });
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 5000);
        QCOMPARE(calls, 1);
    }

    void invalidName_isRejectedWithoutStoring_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("empty") << QString();
        QTest::addRow("space") << QStringLiteral("github token");
        QTest::addRow("leading dash") << QStringLiteral("-token");
        QTest::addRow("leading dot") << QStringLiteral(".token");
        QTest::addRow("newline") << QStringLiteral("a\nb");
        QTest::addRow("non-ascii") << QStringLiteral("t\u00f6ken");
        QTest::addRow("too long") << QString(129, QLatin1Char('a'));
    }
    void invalidName_isRejectedWithoutStoring()
    {
        QFETCH(QString, name);
        QVERIFY(!isValidCredentialName(name));
        MemorySecretStore store;
        auto r = await([&](auto cb) { store.write(name, QStringLiteral("secret"), nullptr, cb); });
        QVERIFY(r);
        QVERIFY(!r->ok);
        QCOMPARE(r->error, SecretError::InvalidName);
        QVERIFY(r->hint.contains(QLatin1String("letters, digits")));
        QVERIFY(store.keys().isEmpty());
    }

    void validName_isAccepted_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("simple") << QStringLiteral("github-token");
        QTest::addRow("dotted") << QStringLiteral("ci.jenkins_user");
        QTest::addRow("host and user") << QStringLiteral("git@github.com:acme");
        QTest::addRow("path like") << QStringLiteral("argocd/prod");
        QTest::addRow("single char") << QStringLiteral("x");
        QTest::addRow("128 chars") << QString(128, QLatin1Char('a'));
    }
    void validName_isAccepted()
    {
        QFETCH(QString, name);
        QVERIFY(isValidCredentialName(name));
    }

    void failure_wordsEachErrorForPeople_data()
    {
        QTest::addColumn<int>("error");
        QTest::addColumn<int>("op");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("hintPart");
        QTest::addRow("no backend") << int(SecretError::NoBackend) << int(SecretOperation::Read)
                                    << QStringLiteral("could not read credential tok: no keyring is running")
                                    << QStringLiteral("start gnome-keyring or KWallet");
        QTest::addRow("access denied") << int(SecretError::AccessDenied) << int(SecretOperation::Write)
                                       << QStringLiteral(
                                              "could not store credential tok: access to the keyring was denied")
                                       << QStringLiteral("unlock the keyring");
        QTest::addRow("other") << int(SecretError::Other) << int(SecretOperation::Remove)
                               << QStringLiteral("the keyring failed to remove credential tok")
                               << QStringLiteral("the keyring said: boom");
    }
    void failure_wordsEachErrorForPeople()
    {
        QFETCH(int, error);
        QFETCH(int, op);
        QFETCH(QString, message);
        QFETCH(QString, hintPart);
        MemorySecretStore store;
        store.insert(QStringLiteral("tok"), QStringLiteral("v"));
        store.setFailure(SecretError(error), QStringLiteral("boom"));
        auto r = await([&](auto cb) {
            switch (SecretOperation(op)) {
            case SecretOperation::Read:
                store.read(QStringLiteral("tok"), nullptr, cb);
                break;
            case SecretOperation::Write:
                store.write(QStringLiteral("tok"), QStringLiteral("new"), nullptr, cb);
                break;
            case SecretOperation::Remove:
                store.remove(QStringLiteral("tok"), nullptr, cb);
                break;
            }
        });
        QVERIFY(r);
        QVERIFY(!r->ok);
        QCOMPARE(int(r->error), error);
        QCOMPARE(r->message, message);
        QVERIFY2(r->hint.contains(hintPart), qPrintable(r->hint));
        QCOMPARE(r->detail, QStringLiteral("boom"));
        // a failed operation changed nothing
        store.setFailure(SecretError::None);
        auto check = await([&](auto cb) { store.read(QStringLiteral("tok"), nullptr, cb); });
        QVERIFY(check && check->ok);
        QCOMPARE(check->value, QStringLiteral("v"));
    }

    void keychainMapping_coversEveryQtKeychainError_data()
    {
        QTest::addColumn<int>("keychainError");
        QTest::addColumn<QString>("errorString");
        QTest::addColumn<int>("expected");
        QTest::addRow("no error") << int(QKeychain::NoError) << QString() << int(SecretError::None);
        QTest::addRow("not found") << int(QKeychain::EntryNotFound) << QStringLiteral("Entry not found")
                                   << int(SecretError::NotFound);
        QTest::addRow("denied by user") << int(QKeychain::AccessDeniedByUser) << QString()
                                        << int(SecretError::AccessDenied);
        QTest::addRow("denied") << int(QKeychain::AccessDenied) << QString() << int(SecretError::AccessDenied);
        QTest::addRow("no backend") << int(QKeychain::NoBackendAvailable) << QString() << int(SecretError::NoBackend);
        QTest::addRow("not implemented") << int(QKeychain::NotImplemented) << QString() << int(SecretError::NoBackend);
        // what QtKeychain 0.13 reports on a machine without a session bus
        QTest::addRow("headless autolaunch")
            << int(QKeychain::OtherError) << QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY")
            << int(SecretError::NoBackend);
        QTest::addRow("bus socket missing")
            << int(QKeychain::OtherError) << QStringLiteral("Could not connect: No such file or directory")
            << int(SecretError::NoBackend);
        QTest::addRow("other") << int(QKeychain::OtherError) << QStringLiteral("Unknown failure")
                               << int(SecretError::Other);
        QTest::addRow("could not delete")
            << int(QKeychain::CouldNotDeleteEntry) << QStringLiteral("locked") << int(SecretError::Other);
    }
    void keychainMapping_coversEveryQtKeychainError()
    {
        QFETCH(int, keychainError);
        QFETCH(QString, errorString);
        QFETCH(int, expected);
        const SecretResult r
            = KeychainSecretStore::mapResult(SecretOperation::Read, QStringLiteral("tok"), keychainError, errorString);
        QCOMPARE(int(r.error), expected);
        QCOMPARE(r.ok, expected == int(SecretError::None));
        QCOMPARE(r.key, QStringLiteral("tok"));
        if (!r.ok) {
            QVERIFY(r.message.contains(QLatin1String("tok")));
            QVERIFY(!r.hint.isEmpty());
            QCOMPARE(r.detail, errorString);
        }
    }

    void debugOutput_neverShowsTheValue()
    {
        SecretResult r;
        r.operation = SecretOperation::Read;
        r.key = QStringLiteral("github-token");
        r.ok = true;
        r.value = QStringLiteral("ghp_abcdefSECRET");
        QString out;
        QDebug(&out) << r;
        QVERIFY2(!out.contains(QLatin1String("SECRET")), qPrintable(out));
        QVERIFY(out.contains(QLatin1String("github-token")));
        QVERIFY(out.contains(QLatin1String("redacted")));
    }
};

QTEST_GUILESS_MAIN(tst_Secrets)
#include "tst_secrets.moc"
