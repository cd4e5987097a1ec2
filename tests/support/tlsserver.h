// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

namespace Flightdeck::Test {

// A loopback HTTPS server for TLS trust tests. It presents tests/data/tls/server.pem (issued by the
// test CA tests/data/tls/ca.pem for 127.0.0.1), reads one request per connection, answers it with the
// configured response and closes the connection. Connections whose handshake fails are counted.
//
//     TlsServer server;
//     if (!server.listen())
//         QSKIP("no TLS backend");
//     server.setResponse(200, R"({"ok":true})");
//     request.url = server.url("/api");
//     request.caCertificates = TlsServer::caCertificates();
class TlsServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsServer)

public:
    explicit TlsServer(QObject* parent = nullptr);
    ~TlsServer() override;

    // Binds 127.0.0.1 on an ephemeral port. False when Qt has no TLS backend or the test material is
    // unreadable.
    bool listen();
    QUrl url(const QString& pathAndQuery) const; // https://127.0.0.1:<port>/path
    void setResponse(int status, const QByteArray& body, const QByteArray& contentType = "application/json");

    // "METHOD /target" of each request received over an established TLS session, in order.
    QStringList requestLines() const { return m_requestLines; }
    int handshakeFailures() const { return m_handshakeFailures; }

    static QString caPath(); // the test CA's PEM file
    static QList<QSslCertificate> caCertificates();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<QSslCertificate> m_chain;
    QByteArray m_key;
    int m_status = 200;
    QByteArray m_body;
    QByteArray m_contentType = "application/json";
    QStringList m_requestLines;
    int m_handshakeFailures = 0;
};

} // namespace Flightdeck::Test
