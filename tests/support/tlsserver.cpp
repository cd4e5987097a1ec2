// SPDX-License-Identifier: Apache-2.0
#include "tlsserver.h"

#include <QFile>
#include <QHostAddress>
#include <QSslKey>
#include <QSslSocket>

namespace Flightdeck::Test {

namespace {

QString tlsFile(const QString& name)
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/tls/") + name;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

TlsServer::TlsServer(QObject* parent)
    : QTcpServer(parent)
{ }

TlsServer::~TlsServer() = default;

QString TlsServer::caPath()
{
    return tlsFile(QStringLiteral("ca.pem"));
}

QList<QSslCertificate> TlsServer::caCertificates()
{
    return QSslCertificate::fromData(readAll(caPath()), QSsl::Pem);
}

bool TlsServer::listen()
{
    if (!QSslSocket::supportsSsl())
        return false;
    m_chain = QSslCertificate::fromData(readAll(tlsFile(QStringLiteral("server.pem"))), QSsl::Pem);
    m_key = readAll(tlsFile(QStringLiteral("server.key")));
    if (m_chain.isEmpty() || QSslKey(m_key, QSsl::Rsa, QSsl::Pem).isNull())
        return false;
    return QTcpServer::listen(QHostAddress::LocalHost, 0);
}

QUrl TlsServer::url(const QString& pathAndQuery) const
{
    return QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(serverPort()).arg(pathAndQuery));
}

void TlsServer::setResponse(int status, const QByteArray& body, const QByteArray& contentType)
{
    m_status = status;
    m_body = body;
    m_contentType = contentType;
}

void TlsServer::incomingConnection(qintptr descriptor)
{
    auto* socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        socket->deleteLater();
        return;
    }
    socket->setLocalCertificateChain(m_chain);
    socket->setPrivateKey(QSslKey(m_key, QSsl::Rsa, QSsl::Pem));
    socket->setPeerVerifyMode(QSslSocket::VerifyNone); // the client presents no certificate
    auto buffer = std::make_shared<QByteArray>();
    connect(socket, &QSslSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError) {
        if (!socket->isEncrypted())
            ++m_handshakeFailures;
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QSslSocket::readyRead, this, [this, socket, buffer] {
        buffer->append(socket->readAll());
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> words = buffer->left(buffer->indexOf("\r\n")).split(' ');
        m_requestLines << QString::fromLatin1(words.value(0) + ' ' + words.value(1));
        QByteArray answer = "HTTP/1.1 " + QByteArray::number(m_status) + " TLS\r\nContent-Type: " + m_contentType
            + "\r\nContent-Length: " + QByteArray::number(m_body.size()) + "\r\nConnection: close\r\n\r\n" + m_body;
        socket->write(answer);
        socket->disconnectFromHost();
    });
    socket->startServerEncryption();
}

} // namespace Flightdeck::Test
