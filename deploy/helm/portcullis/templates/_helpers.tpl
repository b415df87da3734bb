{{/*
Facts about the five services that come from their code, not from the operator: the values key,
whether the service consumes Kafka (its consumer group is the service name, see
libs/service-kit bootstrapService) and which topics its handlers subscribe to (@OnTopic in
apps/<service>/src), which egress it needs, and the variables naming its git mirror directory.
tools/helm/chart.int-spec.ts checks the topics against libs/contracts' consumedBy.
*/}}
{{- define "portcullis.components" -}}
webhook-intake:
  key: webhookIntake
  topics: []
  git: false
  registries: false
  notify: false
  kubeApi: false
  ingress: true
secret-auditor:
  key: secretAuditor
  topics: [scm.events, operator.commands]
  git: true
  registries: false
  notify: false
  kubeApi: false
  mirror: { dirVar: GIT_MIRROR_DIR, bytesVar: GIT_MIRROR_MAX_BYTES }
image-scanner:
  key: imageScanner
  topics: [registry.events, deploy.events, vulndb.events]
  git: true
  registries: true
  notify: false
  kubeApi: false
  mirror: { dirVar: SCAN_POLICY_MIRROR_DIR, bytesVar: SCAN_POLICY_MIRROR_MAX_BYTES }
deploy-orchestrator:
  key: deployOrchestrator
  topics: [audit.results, scan.results, registry.events, operator.commands]
  git: true
  registries: false
  notify: false
  kubeApi: true
  mirror: { dirVar: DEPLOY_MIRROR_DIR, bytesVar: DEPLOY_MIRROR_MAX_BYTES }
notifier:
  key: notifier
  topics: [scm.events, audit.results, scan.results, deploy.events, registry.events, operator.commands]
  git: false
  registries: false
  notify: true
  kubeApi: false
{{- end -}}

{{/* The service names in a fixed order (templates range over this, so output is stable). */}}
{{- define "portcullis.componentNames" -}}
[webhook-intake, secret-auditor, image-scanner, deploy-orchestrator, notifier]
{{- end -}}

{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects: <fullname>-<service>. Args: dict root component. */}}
{{- define "portcullis.componentName" -}}
{{- printf "%s-%s" (include "portcullis.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: portcullis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one service. Args: dict root component. */}}
{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* All labels of one service's objects. Args: dict root component. */}}
{{- define "portcullis.componentLabels" -}}
{{ include "portcullis.labels" .root }}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image of one service: digest-pinned when a digest is given. Args: dict root component values. */}}
{{- define "portcullis.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := .values.image.repository | default (printf "%s/%s/%s" $img.registry $img.repositoryPrefix .component) -}}
{{- if .values.image.digest -}}
{{- if not (regexMatch "^sha256:[a-f0-9]{64}$" .values.image.digest) -}}
{{- fail (printf "services.%s.image.digest must be sha256:<64 hex>" .key) -}}
{{- end -}}
{{- printf "%s@%s" $repo .values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (.values.image.tag | default $img.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/*
Refuses a plain value where a Secret reference belongs. Args: dict what ref.
*/}}
{{- define "portcullis.requireSecretRef" -}}
{{- if not (kindIs "map" .ref) -}}
{{- fail (printf "%s must be a Secret reference { name, key }, never a value" .what) -}}
{{- end -}}
{{- if or (not .ref.name) (not .ref.key) -}}
{{- fail (printf "%s needs both name and key of an existing Secret" .what) -}}
{{- end -}}
{{- $extra := omit .ref "name" "key" "optional" -}}
{{- if $extra -}}
{{- fail (printf "%s: only name, key and optional are allowed (got %s)" .what (keys $extra | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}

{{/*
Secret keys one service mounts, as a list of { var, name, key, path } (path relative to
/var/run/secrets/portcullis). Args: dict root component values key. Output: YAML list.
*/}}
{{- define "portcullis.secretMounts" -}}
{{- $root := .root -}}
{{- $out := list -}}
{{- $redis := $root.Values.redis.urlSecret -}}
{{- include "portcullis.requireSecretRef" (dict "what" "redis.urlSecret" "ref" $redis) -}}
{{- $out = append $out (dict "var" "REDIS_URL" "name" $redis.name "key" $redis.key "path" "env/REDIS_URL") -}}
{{- if $root.Values.kafka.sasl.mechanism -}}
{{- $pw := $root.Values.kafka.sasl.passwordSecret -}}
{{- include "portcullis.requireSecretRef" (dict "what" "kafka.sasl.passwordSecret" "ref" $pw) -}}
{{- $out = append $out (dict "var" "KAFKA_SASL_PASSWORD" "name" $pw.name "key" $pw.key "path" "env/KAFKA_SASL_PASSWORD") -}}
{{- end -}}
{{- if $root.Values.kafka.tls.caSecret.name -}}
{{- $ca := $root.Values.kafka.tls.caSecret -}}
{{- $out = append $out (dict "var" "" "name" $ca.name "key" $ca.key "path" "files/kafka-ca.pem") -}}
{{- end -}}
{{- range $var, $ref := .values.secretEnv -}}
{{- if not (regexMatch "^[A-Z_][A-Z0-9_]*$" $var) -}}
{{- fail (printf "services.%s.secretEnv: %s is not an environment variable name" $.key $var) -}}
{{- end -}}
{{- include "portcullis.requireSecretRef" (dict "what" (printf "services.%s.secretEnv.%s" $.key $var) "ref" $ref) -}}
{{- $out = append $out (dict "var" $var "name" $ref.name "key" $ref.key "path" (printf "env/%s" $var)) -}}
{{- end -}}
{{- range $i, $f := .values.secretFiles -}}
{{- include "portcullis.requireSecretRef" (dict "what" (printf "services.%s.secretFiles[%d]" $.key $i) "ref" (omit $f "path")) -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9._-]*$" ($f.path | default "")) -}}
{{- fail (printf "services.%s.secretFiles[%d].path must be a plain file name" $.key $i) -}}
{{- end -}}
{{- $out = append $out (dict "var" "" "name" $f.name "key" $f.key "path" (printf "files/%s" $f.path)) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Variables that hold secrets by their nature; `env` refuses them (they belong in secretEnv).
*/}}
{{- define "portcullis.isSecretVar" -}}
{{- if or (has . (list "REDIS_URL" "KAFKA_SASL_PASSWORD" "SLACK_WEBHOOK_URL" "SLACK_SIGNING_SECRET" "SECRETS_FINGERPRINT_KEY")) (regexMatch "(_TOKEN|_PASSWORD|_SECRET)$" .) -}}
true
{{- end -}}
{{- end -}}

{{/* Maximum partitions of the given main topics, from files/topics.json. Args: dict root topics. */}}
{{- define "portcullis.maxPartitions" -}}
{{- $doc := .root.Files.Get "files/topics.json" | fromJson -}}
{{- $max := 0 -}}
{{- range $t := $doc.topics -}}
{{- if and (has $t.name $.topics) (gt (int $t.partitions) $max) -}}
{{- $max = int $t.partitions -}}
{{- end -}}
{{- end -}}
{{- $max -}}
{{- end -}}

{{/* NetworkPolicy `to` entries for a { cidrs, ports } egress block. Args: the block. */}}
{{- define "portcullis.cidrEgress" -}}
- to:
    {{- range .cidrs }}
    - ipBlock:
        cidr: {{ .cidr }}
        {{- with .except }}
        except: {{ toYaml . | nindent 10 }}
        {{- end }}
    {{- end }}
  ports:
    {{- range .ports }}
    - protocol: TCP
      port: {{ . }}
    {{- end }}
{{- end -}}
