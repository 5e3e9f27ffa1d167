# OpenTofu client-side state encryption for every aggrik8s stack.
# Fill it from the environment and hand it to OpenTofu, e.g.:
#   export AGGRIK8S_STATE_PASSPHRASE=...   # >= 16 characters, from your secret store
#   export TF_ENCRYPTION="$(envsubst '$AGGRIK8S_STATE_PASSPHRASE' < examples/tf-encryption.hcl)"
# proofs/state.ts runs exactly this file against a real PostgreSQL backend.
# See https://opentofu.org/docs/language/state/encryption/

key_provider "pbkdf2" "aggrik8s" {
  passphrase = "${AGGRIK8S_STATE_PASSPHRASE}"
}

method "aes_gcm" "aggrik8s" {
  keys = key_provider.pbkdf2.aggrik8s
}

# enforced: OpenTofu refuses to write state or plans unencrypted.
state {
  method   = method.aes_gcm.aggrik8s
  enforced = true
}

plan {
  method   = method.aes_gcm.aggrik8s
  enforced = true
}

# Stacks read each other through terraform_remote_state: same key.
remote_state_data_sources {
  default {
    method = method.aes_gcm.aggrik8s
  }
}
