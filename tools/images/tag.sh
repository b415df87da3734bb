# tools/images/tag.sh - sourced by the image scripts: one naming rule for the service images, shared
# with the container tests (tools/images/test/service-images.ts reads the same variables).
#   localhost/portcullis/<app>:<tag>, tag = $PORTCULLIS_IMAGE_TAG, else the git short sha, else "dev"

portcullis_image_tag() {
  if [ -n "${PORTCULLIS_IMAGE_TAG:-}" ]; then
    printf '%s\n' "$PORTCULLIS_IMAGE_TAG"
  else
    git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --short=12 HEAD 2>/dev/null || echo dev
  fi
}

portcullis_image_name() { # app tag
  printf 'localhost/portcullis/%s:%s\n' "$1" "$2"
}
