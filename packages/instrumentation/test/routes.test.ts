import { normalizeMethod, OTHER_METHOD, RouteTable } from '../src';

describe('RouteTable', () => {
  const table = new RouteTable(['/orders', '/orders/:id', '/orders/new', '/files/*', '/']);

  test.each([
    ['/orders', '/orders', {}],
    ['/orders/', '/orders', {}],
    ['/orders/ord-42', '/orders/:id', { id: 'ord-42' }],
    ['/orders/ord-42?expand=items', '/orders/:id', { id: 'ord-42' }],
    ['/orders/new', '/orders/new', {}],
    ['/orders/a%20b', '/orders/:id', { id: 'a b' }],
    ['/files/a/b/c.txt', '/files/*', { '*': 'a/b/c.txt' }],
    ['/', '/', {}],
  ])('%s matches the template %s', (path, route, params) => {
    expect(table.match(path)).toEqual({ route, params });
  });

  test.each(['/orders/1/items', '/order', '/files', '/nope'])('%s matches nothing', (path) => {
    expect(table.match(path)).toBeUndefined();
  });

  test('a static segment wins over a parameter whatever the order of the list', () => {
    expect(new RouteTable(['/orders/:id', '/orders/new']).match('/orders/new')?.route).toBe('/orders/new');
    expect(new RouteTable(['/orders/new', '/orders/:id']).match('/orders/new')?.route).toBe('/orders/new');
  });

  test('bad templates are refused with the reason', () => {
    expect(() => new RouteTable(['orders'])).toThrow(/must start with "\/"/);
    expect(() => new RouteTable(['/a/*/b'])).toThrow(/"\*" must be the last segment/);
    expect(() => new RouteTable(['/a/:'])).toThrow(/parameter needs a name/);
    expect(() => new RouteTable(['/a', '/a'])).toThrow(/listed twice/);
  });
});

describe('normalizeMethod', () => {
  test.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE'])('%s is kept', (m) => {
    expect(normalizeMethod(m)).toBe(m);
  });
  test.each(['get', 'PURGE', 'FOO', '', undefined])('%s becomes _OTHER (bounded label values)', (m) => {
    expect(normalizeMethod(m)).toBe(OTHER_METHOD);
  });
});
