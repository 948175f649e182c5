// Dependency rules: `npm run lint:deps` (run by `npm test` right after the type-check).
// depcruise reads every import in backend/src, frontend/src and packages/protocol/src,
// type-only imports included (tsPreCompilationDeps), and fails on any rule below.

/** Unit specs may reach across folders to build what they test; only no-circular applies to them. */
const SPEC = '\\.spec\\.ts$';

/** A rule: files under backend/src/<folder>/ import no backend/src file outside the folders listed. */
const backendFolderImportsOnly = (name, folder, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^backend/src/${folder}/`, pathNot: SPEC },
  to: { path: '^backend/src/', pathNot: `^backend/src/(${[folder, ...allowed].join('|')})/` },
});

/** A rule: files under backend/src/<folder>/ are imported by the composition root only (and by each other). */
const onlyTheCompositionRootImports = (name, folder, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: '^backend/src/', pathNot: [`^backend/src/${folder}/`, '^backend/src/app\\.module\\.ts$'] },
  to: { path: `^backend/src/${folder}/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order matter and hide which module is the lower level. ' +
        'Type-only imports count too. Break the cycle: move what both sides need into a third module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    backendFolderImportsOnly(
      'platform-is-below-features',
      'platform',
      ['config'],
      'backend/src/platform/ (Redis, bus, crypto, SQL, HTTP, logging) serves every feature and knows none: ' +
        'it imports only config/ and npm packages. Pass what it needs in (a parameter, an injection token) instead.',
    ),
    {
      name: 'nothing-imports-the-gateway',
      comment:
        'backend/src/realtime/ (the WebSocket gateway) sits on top of the features: it listens to their domain events. ' +
        'Only the composition root (app.module.ts, app.factory.ts) may import it; a feature emits a domain event instead.',
      severity: 'error',
      from: { path: '^backend/src/', pathNot: ['^backend/src/realtime/', '^backend/src/app\\.(module|factory)\\.ts$', SPEC] },
      to: { path: '^backend/src/realtime/' },
    },
    backendFolderImportsOnly(
      'presence-imports-no-other-feature',
      'presence',
      ['platform', 'config'],
      'presence/ is the lowest feature: it imports platform/ and config/ only.',
    ),
    backendFolderImportsOnly(
      'users-import-only-presence',
      'users',
      ['presence', 'platform', 'config'],
      'users/ may import presence/ (besides platform/ and config/), and no other feature.',
    ),
    backendFolderImportsOnly(
      'auth-imports-only-users',
      'auth',
      ['users', 'platform', 'config'],
      'auth/ may import users/ (besides platform/ and config/), and no other feature.',
    ),
    backendFolderImportsOnly(
      'attachments-import-no-other-feature',
      'attachments',
      ['platform', 'config'],
      'attachments/ (files, their storage and signed URLs) sits below conversations/: it imports platform/ and ' +
        'config/ only; what it needs to know of messages and participants it reads in SQL.',
    ),
    backendFolderImportsOnly(
      'conversations-import-only-users-and-presence',
      'conversations',
      ['users', 'presence', 'attachments', 'platform', 'config'],
      'conversations/ may import users/, presence/ and attachments/ (besides platform/ and config/), and no other feature.',
    ),
    backendFolderImportsOnly(
      'accounts-import-only-auth-users-conversations',
      'accounts',
      ['auth', 'users', 'conversations', 'attachments', 'platform', 'config'],
      'accounts/ (password change, deletion, export) acts on the account through auth/, users/, conversations/ and attachments/; ' +
        'it imports them (besides platform/ and config/) and nothing else.',
    ),
    onlyTheCompositionRootImports(
      'nothing-imports-accounts',
      'accounts',
      'accounts/ sits on top of the features it orchestrates: only the composition root imports it.',
    ),
    backendFolderImportsOnly(
      'search-imports-only-conversations',
      'search',
      ['conversations', 'database', 'platform', 'config'],
      'search/ (GET /search) reads what conversations/ decides a reader may see; it imports conversations/ ' +
        '(besides platform/ and config/, and database/ for the reindex command, which opens the database as the ' +
        'migration command does) and nothing else. The index itself is written by conversations/ through ' +
        'platform/crypto/blind-index.ts.',
    ),
    onlyTheCompositionRootImports(
      'nothing-imports-search',
      'search',
      'search/ sits on top of conversations/: only the composition root imports it.',
    ),
    backendFolderImportsOnly(
      'health-imports-only-platform',
      'health',
      ['platform'],
      'health/ checks the platform (database, Redis) and imports platform/ only.',
    ),
    backendFolderImportsOnly(
      'config-is-a-leaf',
      'config',
      [],
      'backend/src/config/ (environment, secrets) is read by everything and imports no other backend folder.',
    ),
    {
      name: 'frontend-no-backend',
      comment: 'The web client never imports the server: what both share lives in @chatflow/protocol.',
      severity: 'error',
      from: { path: '^frontend/src/' },
      to: { path: '^backend/' },
    },
    {
      name: 'backend-no-frontend',
      comment: 'The server never imports the web client: what both share lives in @chatflow/protocol.',
      severity: 'error',
      from: { path: '^backend/src/' },
      to: { path: '^frontend/' },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that resolves to no file: a typo, a deleted module, or a package missing from package.json ' +
        '(@chatflow/protocol resolves to its build: `npm run build -w @chatflow/protocol` first).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is dead code: delete it, or import it where it belongs.',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    // Packages (and the protocol's build, which `@chatflow/protocol` resolves to) are leaves here.
    doNotFollow: { path: ['node_modules', '^packages/protocol/dist/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
    },
  },
};
