#!/usr/bin/env bash
# Builds Cairn's libFuzzer targets with the toolchain's -sanitize=fuzzer (plus address
# sanitizer) into .build/fuzz/: each target compiles the parser's own sources beside a fuzz
# entry point (Fuzz/<target>/Target.swift), against the Cairn SDK built once as a library.
# SwiftPM is not used: building every dependency with the sanitizers would take far longer.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out"
flags=(-parse-as-library -package-name cairn -sanitize=fuzzer,address -Onone -g -suppress-warnings)
# gold warns about every address-sanitizer helper of the static library; they are harmless.
exec 2> >(grep -v "Cannot export local symbol" >&2)

swiftc "${flags[@]}" -module-name Cairn -emit-module -emit-module-path "$out/Cairn.swiftmodule" -emit-library -static -o "$out/libCairn.a" \
  $(find Sources/Cairn -name '*.swift' | sort)

hooks=Sources/CairnTriggers/Webhooks
declare -A sources=(
  [cron]="Sources/CairnTriggers/Cron/*.swift"
  [webhooks]="$hooks/Base64.swift $hooks/HMACSHA256.swift $hooks/HMACKey.swift $hooks/SignatureText.swift $hooks/SignedTemplate.swift $hooks/VerifiedDelivery.swift $hooks/WebhookRefusal.swift $hooks/WebhookRequest.swift $hooks/WebhookScheme.swift $hooks/WebhookVerifier*.swift Sources/CairnTriggers/TriggerError.swift"
  [template]="Sources/CairnApp/Pipelines/Template.swift Sources/CairnApp/Pipelines/TemplateError.swift Sources/CairnApp/Pipelines/TemplatePath.swift Sources/CairnApp/Pipelines/TemplateScope.swift Sources/CairnApp/Pipelines/TemplateValue.swift Sources/CairnApp/Pipelines/ExpressionParser.swift"
  [filenames]="Sources/CairnTriggers/Drops/FileName.swift Sources/CairnTriggers/Drops/FileGlob.swift Sources/CairnTriggers/TriggerError.swift"
  [values]=""
)
for target in "${!sources[@]}"; do
  # shellcheck disable=SC2086  # the lists are globs and words on purpose
  swiftc "${flags[@]}" -module-name "Fuzz_$target" -I "$out" -I Sources/COpenSSL -L "$out" -lCairn -lcrypto \
    ${sources[$target]} "Fuzz/$target/Target.swift" -o "$out/fuzz-$target"
done
echo "built: $(cd "$out" && ls fuzz-* | tr '\n' ' ')"
