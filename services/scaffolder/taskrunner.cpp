// SPDX-License-Identifier: Apache-2.0
#include "taskrunner.h"

#include "confinedpath.h"
#include "git/gitresult.h"
#include "nunjucksrenderer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUrl>

namespace Flightdeck::Scaffolder {

using Nunjucks::Renderer;
using Nunjucks::RenderOptions;
using Nunjucks::RenderResult;
using Nunjucks::Value;

namespace {

const QLatin1String kStateFileName(".flightdeck-task.json");

// Backstage's isTruthy (SPEC B4): an empty array is false, everything else as JavaScript says.
bool isTruthy(const Value& v)
{
    return v.isArray() ? !v.list().isEmpty() : v.truthy();
}

bool containsUnrendered(const QJsonValue& v)
{
    if (v.isString())
        return v.toString().contains(QLatin1String("${{"));
    if (v.isArray()) {
        for (const QJsonValue& item : v.toArray())
            if (containsUnrendered(item))
                return true;
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (containsUnrendered(it.value()))
                return true;
    }
    return false;
}

QJsonValue maskSecrets(const QJsonValue& v, const QStringList& secrets)
{
    if (v.isString()) {
        QString s = v.toString();
        for (const QString& secret : secrets)
            s.replace(secret, QStringLiteral("***"));
        return s;
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue& item : v.toArray())
            out.append(maskSecrets(item, secrets));
        return out;
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), maskSecrets(it.value(), secrets));
        return out;
    }
    return v;
}

QStringList secretValues(const QJsonObject& secrets)
{
    QStringList out;
    for (auto it = secrets.begin(); it != secrets.end(); ++it) {
        const QString s = it.value().isString() ? it.value().toString() : QString();
        if (s.size() >= 3) // masking "a" everywhere would garble the log for nothing
            out << s;
    }
    return out;
}

// Renders YAML nodes of template.yaml, naming the place of any failure.
struct NodeRenderer
{
    const Renderer& renderer;
    const Value& context;
    QString fileName; // "template.yaml"
    QString owner; // `step "fetch"` or `output`
    QString error;

    QString where(const QString& path, TextPosition pos, int line = 0, int column = 0) const
    {
        // Positions inside a scalar are relative to its text: map them onto the file. For a
        // block or quoted scalar the column is approximate (the indicator is not counted).
        int fileLine = pos.line;
        int fileColumn = pos.column;
        if (line > 1) {
            fileLine = pos.line + line - 1;
            fileColumn = column;
        } else if (line == 1) {
            fileColumn = pos.column + column - 1;
        }
        return QStringLiteral("%1 %2\"%3\" (%4 line %5, column %6)")
            .arg(owner, path.isEmpty() ? QString() : QStringLiteral("input "), path, fileName)
            .arg(fileLine)
            .arg(fileColumn);
    }

    // Undefined QJsonValue = the key is dropped (SPEC B5). Sets `error` and returns undefined on
    // failure.
    QJsonValue render(const YamlRef& node, const QString& path)
    {
        if (!error.isEmpty() || !node.isValid())
            return QJsonValue(QJsonValue::Undefined);
        const Catalog::YamlValue v = node.value();
        if (v.isMapping()) {
            QJsonObject out;
            for (std::uint32_t i = 0; i < v.size(); ++i) {
                const QString key = v.keyAt(i).toString();
                const QJsonValue rendered = render(YamlRef(node.document(), v.valueAt(i).index()),
                    path.isEmpty() ? key : path + QLatin1Char('.') + key);
                if (!error.isEmpty())
                    return QJsonValue(QJsonValue::Undefined);
                if (!rendered.isUndefined())
                    out.insert(key, rendered);
            }
            return out;
        }
        if (v.isSequence()) {
            QJsonArray out;
            for (std::uint32_t i = 0; i < v.size(); ++i) {
                const QJsonValue rendered = render(node.at(i), QStringLiteral("%1[%2]").arg(path).arg(i));
                if (!error.isEmpty())
                    return QJsonValue(QJsonValue::Undefined);
                out.append(rendered.isUndefined() ? QJsonValue(QJsonValue::Null) : rendered); // JSON.stringify
            }
            return out;
        }
        if (!v.isString())
            return Detail::yamlToJson(v);
        return renderText(v.toString(), path, v.position());
    }

    QJsonValue renderText(const QString& text, const QString& path, TextPosition pos)
    {
        const RenderResult r = renderer.renderValue(text, context);
        if (r.error) {
            error = QStringLiteral("%1: %2 in %3")
                        .arg(where(path, pos, r.error->line, r.error->column), r.error->message, r.error->expression);
            return QJsonValue(QJsonValue::Undefined);
        }
        const QJsonValue out = r.value.toJson();
        if (r.unrenderedLine > 0 || containsUnrendered(out)) {
            error = QStringLiteral("%1: the value still contains an unrendered \"${{\" after rendering %2; it is not "
                                   "passed to the action (wrap literal text differently or fix the expression)")
                        .arg(where(path, pos), text);
            return QJsonValue(QJsonValue::Undefined);
        }
        return out;
    }
};

RenderOptions optionsFor(bool taskFailed)
{
    RenderOptions o;
    o.globals.insert(QStringLiteral("always"), [](const QList<Value>&) { return Value(true); });
    o.globals.insert(QStringLiteral("failure"), [taskFailed](const QList<Value>&) { return Value(taskFailed); });
    return o;
}

QString fileNameOf(const Template& t)
{
    const QString name = QFileInfo(t.file).fileName();
    return name.isEmpty() ? QStringLiteral("template.yaml") : name;
}

bool writeJson(const QString& path, const QJsonObject& o)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    return f.commit();
}

} // namespace

QString stepStatusName(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending:
        return QStringLiteral("pending");
    case StepStatus::Running:
        return QStringLiteral("running");
    case StepStatus::Completed:
        return QStringLiteral("completed");
    case StepStatus::Skipped:
        return QStringLiteral("skipped");
    case StepStatus::Failed:
        return QStringLiteral("failed");
    case StepStatus::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QString();
}

StepStatus stepStatusFromName(const QString& name)
{
    for (StepStatus s : { StepStatus::Pending, StepStatus::Running, StepStatus::Completed, StepStatus::Skipped,
             StepStatus::Failed, StepStatus::Cancelled })
        if (stepStatusName(s) == name)
            return s;
    return StepStatus::Pending;
}

QJsonObject TaskState::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), 1);
    o.insert(QStringLiteral("templateFile"), templateFile);
    o.insert(QStringLiteral("templateRef"), templateRef);
    o.insert(QStringLiteral("values"), values);
    o.insert(QStringLiteral("dryRun"), dryRun);
    o.insert(QStringLiteral("status"), status);
    QJsonArray s;
    for (const StepState& step : steps) {
        QJsonObject j;
        j.insert(QStringLiteral("id"), step.id);
        j.insert(QStringLiteral("name"), step.name);
        j.insert(QStringLiteral("action"), step.action);
        j.insert(QStringLiteral("status"), stepStatusName(step.status));
        if (!step.input.isUndefined())
            j.insert(QStringLiteral("input"), step.input);
        j.insert(QStringLiteral("output"), step.output);
        j.insert(QStringLiteral("log"), QJsonArray::fromStringList(step.log));
        if (!step.error.isEmpty())
            j.insert(QStringLiteral("error"), step.error);
        if (!step.wouldDo.isEmpty())
            j.insert(QStringLiteral("wouldDo"), QJsonArray::fromStringList(step.wouldDo));
        s.append(j);
    }
    o.insert(QStringLiteral("steps"), s);
    o.insert(QStringLiteral("created"), QJsonArray::fromStringList(created));
    o.insert(QStringLiteral("output"), output);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

static QStringList toStringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& item : v.toArray())
        out << item.toString();
    return out;
}

TaskState TaskState::fromJson(const QJsonObject& json)
{
    TaskState t;
    t.templateFile = json.value(QStringLiteral("templateFile")).toString();
    t.templateRef = json.value(QStringLiteral("templateRef")).toString();
    t.values = json.value(QStringLiteral("values")).toObject();
    t.dryRun = json.value(QStringLiteral("dryRun")).toBool();
    t.status = json.value(QStringLiteral("status")).toString();
    for (const QJsonValue& v : json.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject j = v.toObject();
        StepState s;
        s.id = j.value(QStringLiteral("id")).toString();
        s.name = j.value(QStringLiteral("name")).toString();
        s.action = j.value(QStringLiteral("action")).toString();
        s.status = stepStatusFromName(j.value(QStringLiteral("status")).toString());
        s.input = j.value(QStringLiteral("input"));
        s.output = j.value(QStringLiteral("output")).toObject();
        s.log = toStringList(j.value(QStringLiteral("log")));
        s.error = j.value(QStringLiteral("error")).toString();
        s.wouldDo = toStringList(j.value(QStringLiteral("wouldDo")));
        t.steps << s;
    }
    t.created = toStringList(json.value(QStringLiteral("created")));
    t.output = json.value(QStringLiteral("output")).toObject();
    t.error = json.value(QStringLiteral("error")).toString();
    return t;
}

QString templateDirectory(const Template& tmpl)
{
    const QString& file = tmpl.file;
    if (file.isEmpty())
        return QString();
    if (file.startsWith(QLatin1String(":/")))
        return QFileInfo(file).path();
    if (file.startsWith(QLatin1String("qrc:")))
        return QFileInfo(QLatin1Char(':') + QUrl(file).path()).path();
    const QUrl url(file);
    if (url.isLocalFile())
        return QFileInfo(url.toLocalFile()).absolutePath();
    if (url.isValid() && url.scheme().size() > 1)
        return QString(); // remote
    return QFileInfo(file).absolutePath();
}

RenderedInput renderStepInput(const Template& tmpl, const TemplateStep& step, const QJsonObject& context)
{
    const Renderer renderer(optionsFor(false));
    const Value ctx = Value::fromJson(context);
    NodeRenderer nr { renderer, ctx, fileNameOf(tmpl), QStringLiteral("step \"%1\"").arg(step.id), {} };
    RenderedInput out;
    const QJsonValue v = nr.render(step.input, QString());
    out.error = nr.error;
    out.input = v.toObject();
    return out;
}

TaskRunner::TaskRunner(Template tmpl, TaskOptions options, ActionRegistry actions, QObject* parent)
    : QObject(parent)
    , m_template(std::move(tmpl))
    , m_options(std::move(options))
    , m_actions(std::move(actions))
{
    m_options.workspace = QDir::cleanPath(QFileInfo(m_options.workspace).absoluteFilePath());
}

TaskRunner::~TaskRunner() = default;

QString TaskRunner::stateFile() const
{
    return m_options.stateFile.isEmpty() ? m_options.workspace + QLatin1Char('/') + kStateFileName
                                         : m_options.stateFile;
}

std::optional<TaskState> TaskRunner::loadState(const QString& stateFile, QString* error)
{
    QFile f(stateFile);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("no task state at %1").arg(stateFile);
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument d = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !d.isObject()) {
        if (error)
            *error = QStringLiteral("%1 is not a task state: %2").arg(stateFile, pe.errorString());
        return std::nullopt;
    }
    return TaskState::fromJson(d.object());
}

void TaskRunner::saveState() const
{
    writeJson(stateFile(), m_state.toJson());
}

void TaskRunner::log(int index, const QString& line)
{
    const QString masked = maskSecrets(line, secretValues(m_options.secrets) + m_stepMasks).toString();
    QString stepId;
    if (index >= 0 && index < m_state.steps.size()) {
        m_state.steps[index].log << masked;
        stepId = m_state.steps[index].id;
    }
    if (m_options.onLog)
        m_options.onLog(stepId, masked);
    Q_EMIT logLine(stepId, masked);
}

bool TaskRunner::run(const QJsonObject& values)
{
    m_cancel.store(false);
    m_state = TaskState();
    m_state.templateFile = m_template.file;
    m_state.templateRef = m_template.entityRef();
    m_state.values = values;
    m_state.dryRun = m_options.dryRun;
    for (const TemplateStep& step : m_template.steps) {
        StepState s;
        s.id = step.id;
        s.name = step.name;
        s.action = step.action;
        m_state.steps << s;
    }
    if (m_template.apiVersion != QLatin1String("scaffolder.backstage.io/v1beta3")) {
        m_state.status = QStringLiteral("failed");
        m_state.error = QStringLiteral("Wrong template version executed with the workflow engine: %1 (only "
                                       "scaffolder.backstage.io/v1beta3 runs)")
                            .arg(m_template.apiVersion);
        Q_EMIT finished(false);
        return false;
    }
    return execute(0);
}

bool TaskRunner::resume()
{
    m_cancel.store(false);
    QString error;
    std::optional<TaskState> loaded = loadState(stateFile(), &error);
    if (!loaded) {
        m_state.status = QStringLiteral("failed");
        m_state.error = error;
        Q_EMIT finished(false);
        return false;
    }
    bool same = loaded->steps.size() == m_template.steps.size();
    for (int i = 0; same && i < loaded->steps.size(); ++i)
        same = loaded->steps[i].id == m_template.steps[i].id && loaded->steps[i].action == m_template.steps[i].action;
    if (!same) {
        m_state.status = QStringLiteral("failed");
        m_state.error = QStringLiteral("the recorded task's steps differ from the template's; start a new run");
        Q_EMIT finished(false);
        return false;
    }
    if (loaded->dryRun != m_options.dryRun) {
        // A dry run's outputs are placeholders and its side effects never happened: continuing it
        // as a real run (or a real run as a dry run) would mix the two.
        m_state.status = QStringLiteral("failed");
        m_state.error = loaded->dryRun
            ? QStringLiteral("the recorded task was a dry run and cannot be resumed as a real run; start a new run")
            : QStringLiteral("the recorded task was a real run and cannot be resumed as a dry run; start a new run");
        Q_EMIT finished(false);
        return false;
    }
    m_state = *loaded;
    m_state.error.clear();
    int first = 0;
    while (first < m_state.steps.size()
        && (m_state.steps[first].status == StepStatus::Completed || m_state.steps[first].status == StepStatus::Skipped))
        ++first;
    for (int i = first; i < m_state.steps.size(); ++i) {
        StepState& s = m_state.steps[i];
        s.status = StepStatus::Pending;
        s.output = QJsonObject();
        s.log.clear();
        s.error.clear();
        s.wouldDo.clear();
        s.input = QJsonValue(QJsonValue::Undefined);
    }
    return execute(first);
}

bool TaskRunner::execute(int firstStep)
{
    if (!QDir().mkpath(m_options.workspace)) {
        m_state.status = QStringLiteral("failed");
        m_state.error = QStringLiteral("could not create the workspace %1").arg(m_options.workspace);
        Q_EMIT finished(false);
        return false;
    }
    m_state.status = QStringLiteral("running");
    saveState();
    bool failed = false;
    bool cancelled = false;
    for (int i = firstStep; i < m_state.steps.size(); ++i) {
        if (m_cancel.load()) {
            for (int j = i; j < m_state.steps.size(); ++j)
                m_state.steps[j].status = StepStatus::Cancelled;
            cancelled = true;
            break;
        }
        if (!runStep(i, failed))
            failed = true;
        if (m_state.steps[i].status == StepStatus::Cancelled)
            cancelled = true;
        saveState();
    }
    if (!failed && !cancelled) {
        // spec.output, rendered without secrets (SPEC B4 step 8).
        QJsonObject steps;
        for (const StepState& s : std::as_const(m_state.steps))
            steps.insert(s.id, QJsonObject { { QStringLiteral("output"), s.output } });
        QJsonObject ctx;
        ctx.insert(QStringLiteral("parameters"), m_state.values);
        ctx.insert(QStringLiteral("steps"), steps);
        ctx.insert(QStringLiteral("user"),
            QJsonObject {
                { QStringLiteral("ref"), m_options.userRef }, { QStringLiteral("entity"), m_options.userEntity } });
        const Renderer renderer(optionsFor(false));
        const Value context = Value::fromJson(ctx);
        NodeRenderer nr { renderer, context, fileNameOf(m_template), QStringLiteral("output"), {} };
        QJsonObject out = nr.render(m_template.root["spec"]["output"], QString()).toObject();
        if (!nr.error.isEmpty()) {
            failed = true;
            m_state.error = nr.error;
        } else {
            for (const QString& listKey : { QStringLiteral("links"), QStringLiteral("text") }) {
                if (!out.contains(listKey))
                    continue;
                QJsonArray kept;
                for (const QJsonValue& entry : out.value(listKey).toArray()) {
                    QJsonObject e = entry.toObject();
                    if (e.contains(QStringLiteral("if"))) {
                        const QJsonValue cond = e.take(QStringLiteral("if"));
                        if (!isTruthy(Value::fromJson(cond)))
                            continue;
                    }
                    kept.append(e);
                }
                out.insert(listKey, kept);
            }
            m_state.output = out;
        }
    }
    m_state.status = cancelled ? QStringLiteral("cancelled")
        : failed               ? QStringLiteral("failed")
                               : QStringLiteral("completed");
    saveState();
    Q_EMIT finished(!failed && !cancelled);
    return !failed && !cancelled;
}

bool TaskRunner::runStep(int index, bool taskFailed)
{
    const TemplateStep& step = m_template.steps[index];
    StepState& state = m_state.steps[index];
    state.status = StepStatus::Running;
    m_stepMasks.clear();
    Q_EMIT stepStarted(index, step.id);

    // The secrets of the task plus, once the input is rendered, the step's own `token` input.
    QStringList secrets = secretValues(m_options.secrets);
    auto finish = [&](StepStatus status, const QString& rawError = {}) {
        // An action's error may quote what it was given (a URL with a token, a header): never let a
        // secret reach the state, the state file or the caller.
        const QString error = maskSecrets(rawError, secrets).toString();
        state.status = status;
        state.error = error;
        if (!error.isEmpty()) {
            log(index, error);
            if (m_state.error.isEmpty())
                m_state.error = error;
        }
        Q_EMIT stepFinished(index, step.id, stepStatusName(status));
        return status != StepStatus::Failed;
    };

    const Catalog::YamlValue cond = step.condition.value();
    const QString condText = step.condition.isValid() && cond.isString() ? cond.toString() : QString();
    if (taskFailed && !condText.contains(QLatin1String("always()")) && !condText.contains(QLatin1String("failure()"))) {
        log(index, QStringLiteral("Skipping step %1 because an earlier step failed").arg(step.id));
        finish(StepStatus::Skipped);
        return true;
    }

    // The context of SPEC B5.
    QJsonObject steps;
    for (int i = 0; i < index; ++i)
        steps.insert(m_state.steps[i].id, QJsonObject { { QStringLiteral("output"), m_state.steps[i].output } });
    QJsonObject ctx;
    ctx.insert(QStringLiteral("parameters"), m_state.values);
    ctx.insert(QStringLiteral("steps"), steps);
    ctx.insert(QStringLiteral("user"),
        QJsonObject {
            { QStringLiteral("ref"), m_options.userRef }, { QStringLiteral("entity"), m_options.userEntity } });
    ctx.insert(QStringLiteral("secrets"), m_options.secrets);
    ctx.insert(QStringLiteral("context"),
        QJsonObject { { QStringLiteral("task"),
            QJsonObject { { QStringLiteral("id"), QFileInfo(m_options.workspace).fileName() } } } });

    const Renderer renderer(optionsFor(taskFailed));
    const QString fileName = fileNameOf(m_template);
    const QString owner = QStringLiteral("step \"%1\"").arg(step.id);

    // Evaluates `if` with the given context; nullopt (and *error) when it cannot be rendered.
    auto evaluateIf = [&](const QJsonObject& context, QString* error) -> std::optional<bool> {
        if (!step.condition.isValid())
            return true;
        if (cond.type() == Catalog::YamlType::Bool)
            return cond.toBool();
        const Value c = Value::fromJson(context);
        NodeRenderer nr { renderer, c, fileName, owner, {} };
        const QJsonValue v = cond.isString() ? nr.renderText(cond.toString(), QStringLiteral("if"), cond.position())
                                             : Detail::yamlToJson(cond);
        if (!nr.error.isEmpty()) {
            *error = nr.error;
            return std::nullopt;
        }
        return isTruthy(Value::fromJson(v));
    };

    if (step.condition.isValid() && (cond.type() == Catalog::YamlType::Bool || !step.each.isValid())) {
        QString error;
        const std::optional<bool> go = evaluateIf(ctx, &error);
        if (!go)
            return finish(StepStatus::Failed, error);
        if (!*go) {
            log(index, QStringLiteral("Skipping step %1 because its if condition was false").arg(step.id));
            finish(StepStatus::Skipped);
            return true;
        }
    }

    // `each`: one iteration per entry, with each.key / each.value.
    QList<QPair<QJsonValue, QJsonValue>> iterations;
    const bool hasEach = step.each.isValid();
    if (hasEach) {
        const Value c = Value::fromJson(ctx);
        NodeRenderer nr { renderer, c, fileName, owner, {} };
        const QJsonValue v = nr.render(step.each, QStringLiteral("each")); // `each` names the place
        if (!nr.error.isEmpty())
            return finish(StepStatus::Failed, nr.error);
        if (v.isArray()) {
            const QJsonArray a = v.toArray();
            for (int i = 0; i < a.size(); ++i)
                iterations.append({ QJsonValue(i), a.at(i) });
        } else if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it)
                iterations.append({ QJsonValue(it.key()), it.value() });
        } else {
            return finish(StepStatus::Failed,
                QStringLiteral("step \"%1\": each must resolve to an array or object").arg(step.id));
        }
    } else {
        iterations.append({ QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Undefined) });
    }

    QJsonArray inputs;
    for (const auto& [key, value] : std::as_const(iterations)) {
        if (m_cancel.load())
            return finish(StepStatus::Cancelled);
        QJsonObject iterCtx = ctx;
        if (hasEach)
            iterCtx.insert(QStringLiteral("each"),
                QJsonObject { { QStringLiteral("key"), key }, { QStringLiteral("value"), value } });
        if (hasEach && step.condition.isValid() && cond.type() != Catalog::YamlType::Bool) {
            QString error;
            const std::optional<bool> go = evaluateIf(iterCtx, &error);
            if (!go)
                return finish(StepStatus::Failed, error);
            if (!*go) {
                log(index,
                    QStringLiteral("Skipping iteration %1 of step %2 because its if condition was false")
                        .arg(key.toVariant().toString(), step.id));
                continue;
            }
        }
        const Value c = Value::fromJson(iterCtx);
        NodeRenderer nr { renderer, c, fileName, owner, {} };
        const QJsonObject input = nr.render(step.input, QString()).toObject();
        if (!nr.error.isEmpty())
            return finish(StepStatus::Failed, nr.error);
        const QJsonValue token = input.value(QStringLiteral("token"));
        if (token.isString() && token.toString().size() >= 3 && !secrets.contains(token.toString())) {
            secrets << token.toString();
            m_stepMasks << token.toString();
        }
        inputs.append(maskSecrets(input, secrets));

        QString actionId = step.action;
        QJsonObject actionInput = input;
        if (actionId.startsWith(QLatin1String("publish:")) && !m_options.publishRemoteUrl.isEmpty()) {
            log(index,
                QStringLiteral("%1 replaced by publish:git to %2")
                    .arg(actionId, Git::redactUrl(m_options.publishRemoteUrl)));
            actionId = QStringLiteral("publish:git");
            actionInput.insert(QStringLiteral("remoteUrl"), m_options.publishRemoteUrl);
        }
        const ActionDefinition* action = m_actions.find(actionId);
        if (!action && m_options.dryRun) {
            // As Backstage skips actions without dry-run support: the dry run goes on, says what a
            // real run would need, and the step's outputs stay undefined.
            const QString note = QStringLiteral("run %1 — this Flightdeck has no such action, so a real run stops here")
                                     .arg(actionId);
            state.wouldDo << note;
            log(index, QStringLiteral("[dry-run] %1").arg(note));
            continue;
        }
        if (!action)
            return finish(StepStatus::Failed,
                QStringLiteral("step \"%1\": unknown action %2 (known: %3)")
                    .arg(step.id, actionId, m_actions.ids().join(QStringLiteral(", "))));

        ActionContext ac;
        ac.stepId = step.id;
        ac.stepName = step.name;
        ac.action = actionId;
        ac.input = actionInput;
        ac.workspace = m_options.workspace;
        ac.templateDir = templateDirectory(m_template);
        ac.templateRef = m_template.entityRef();
        ac.dryRun = m_options.dryRun;
        ac.secrets = m_options.secrets;
        ac.user = QJsonObject { { QStringLiteral("ref"), m_options.userRef },
            { QStringLiteral("entity"), m_options.userEntity } };
        ac.cancel = &m_cancel;
        ac.registrar = m_options.registrar;
        ac.apiBaseUrls = m_options.scmApiBaseUrls;
        ac.log = [this, index](const QString& line) { log(index, line); };
        if (m_options.dryRun)
            log(index,
                QStringLiteral("Input: %1")
                    .arg(QString::fromUtf8(
                        QJsonDocument(maskSecrets(input, secrets).toObject()).toJson(QJsonDocument::Compact))));
        const QString error = action->handler(ac);
        for (const QString& c2 : std::as_const(ac.created))
            if (!m_state.created.contains(c2))
                m_state.created << c2;
        state.wouldDo << ac.wouldDo;
        for (const QString& w : std::as_const(ac.wouldDo))
            log(index, QStringLiteral("[dry-run] %1").arg(w));
        if (m_cancel.load())
            return finish(StepStatus::Cancelled, QStringLiteral("step \"%1\" was cancelled").arg(step.id));
        if (!error.isEmpty())
            return finish(
                StepStatus::Failed, QStringLiteral("step \"%1\" (%2) failed: %3").arg(step.id, actionId, error));
        for (auto it = ac.output.begin(); it != ac.output.end(); ++it) {
            const QJsonValue value = maskSecrets(it.value(), secrets);
            if (hasEach) {
                QJsonArray a = state.output.value(it.key()).toArray();
                a.append(value);
                state.output.insert(it.key(), a);
            } else {
                state.output.insert(it.key(), value);
            }
        }
    }
    state.input = hasEach ? QJsonValue(inputs) : inputs.isEmpty() ? QJsonValue(QJsonValue::Undefined) : inputs.first();
    return finish(StepStatus::Completed);
}

QStringList TaskRunner::cleanup()
{
    QStringList remaining;
    for (auto it = m_state.created.crbegin(); it != m_state.created.crend(); ++it) {
        const QString& entry = *it;
        if (entry.startsWith(QLatin1String("remote:"))) {
            remaining << entry;
            continue;
        }
        QString error;
        const QString path = confinedPath(m_options.workspace, entry, &error);
        if (path.isEmpty() || path == m_options.workspace) {
            remaining << entry;
            continue;
        }
        const QFileInfo info(path);
        bool ok = true;
        if (info.isDir() && !info.isSymLink())
            ok = QDir(path).removeRecursively();
        else if (info.exists() || info.isSymLink())
            ok = QFile::remove(path);
        if (!ok)
            remaining << entry;
    }
    m_state.created = remaining;
    saveState();
    return remaining;
}

} // namespace Flightdeck::Scaffolder
