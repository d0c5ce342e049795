/**
 * A scorer written outside AST, as a user would write one: a class, its factory and a ServiceLoader entry, found by
 * name ({@code ast.scorer=focal}) with typed options.
 */
package com.example.ast;
