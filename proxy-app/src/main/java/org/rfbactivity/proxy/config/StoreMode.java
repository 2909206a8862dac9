package org.rfbactivity.proxy.config;

/** Where session state goes: PostgreSQL (external with {@code --jdbc-url}, else embedded) or memory only. */
public enum StoreMode {
  POSTGRES,
  MEMORY
}
